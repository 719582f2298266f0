/* `npm run nlu -- eval-risk [--test FILE…] [--cv K] [--errors] [--no-intent] [--tune-intent] [--no-cache]`
 *   trains the risk model on nlu/data/risk-corpus.*.json (and the intent corpus's benign phrasings),
 *   scans `{text, category}` JSON lines (category none for benign) with the lexicon, the model and
 *   the shipped intent model's signal, and reports recall, category accuracy, false alarms and scan
 *   latency; --cv K cross-validates the whole scanner on the risk corpus instead of a file;
 * `npm run nlu -- eval --test FILE [--locale zh|en] [--threshold N] [--zh-features …] [--linear-weight N] [--errors]`
 *   evaluates the shipped corpus's model (the bot's own recogniser) on held-out JSON lines;
 * `npm run nlu -- eval --train FILE --test FILE [--val FILE] [--locale zh|en] [--entities DIR] [--baseline]`
 *   trains kefu's pipeline on any data in the format of shared/bench-data and evaluates it (and,
 *   with --baseline, plain @nlpjs/basic with its defaults, in the same run); --entities names a
 *   folder of entity lists, `<list>.txt` with one name per line. */
import { parseArgs } from 'node:util';
import { loadData, parseEnv } from '../bot/config';
import { fromRoot } from '../kernel/paths';
import { EmotionDetector } from '../nlu/emotion';
import { evaluate } from '../nlu/evaluate';
import { readEntityLists, readLabelled } from '../nlu/labelled';
import { loadOrTrain } from '../nlu/modelCache';
import type { ZhFeatures } from '../nlu/nlpjsClassifier';
import { KefuRecognizer } from '../nlu/recognizer';
import { decide, runReport, thresholdCurve, trainBaseline, trainKefu, tune } from '../nlu/benchEval';
import { detectLocale } from '../nlu/locale';
import type { IntentScore } from '../nlu/types';
import { intentSignalOf, RiskScanner } from '../nlu/risk';
import { readRiskCorpus } from '../nlu/riskCorpus';
import { crossValidateScanner, evaluateRisk, intentSignalTable, readRiskLabelled, type RiskEvalReport } from '../nlu/riskEval';
import { loadOrTrainRisk } from '../nlu/riskModelCache';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      test: { type: 'string', multiple: true },
      train: { type: 'string' },
      val: { type: 'string' },
      entities: { type: 'string' },
      baseline: { type: 'boolean', default: false },
      locale: { type: 'string' },
      threshold: { type: 'string' },
      'zh-features': { type: 'string' },
      'linear-weight': { type: 'string' },
      errors: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      cv: { type: 'string' },
      'no-intent': { type: 'boolean', default: false },
      'tune-intent': { type: 'boolean', default: false },
    },
  });
  if (positionals[0] === 'eval-risk' && (values.test?.length || values.cv || values['tune-intent'])) {
    await evalRisk(values);
    return;
  }
  if (positionals[0] !== 'eval' || !values.test?.length) {
    process.stderr.write(
      'usage: npm run nlu -- eval --test FILE [--test FILE…] [--locale zh|en] [--threshold N] [--zh-features char-ngrams|nlpjs-pinyin] [--linear-weight N] [--errors]\n' +
        '       npm run nlu -- eval --train FILE --test FILE [--val FILE] [--locale zh|en] [--entities DIR] [--baseline]\n' +
        '       npm run nlu -- eval-risk [--test FILE…] [--cv K] [--errors] [--no-intent] [--tune-intent] [--no-cache]\n',
    );
    process.exit(2);
  }
  const env = parseEnv(process.env);
  if (values.train) {
    const train = readLabelled(values.train);
    const test = readLabelled(values.test[0]);
    const locale =
      values.locale === 'zh'
        ? 'zh-CN'
        : values.locale === 'en'
          ? 'en'
          : detectLocale(
              train
                .slice(0, 50)
                .map((r) => r.text)
                .join(' '),
            );
    // Weight and threshold: given, or chosen on --val (else by 5-fold cross-validation on the training rows).
    const val = values.val ? readLabelled(values.val) : undefined;
    const entities = values.entities ? readEntityLists(values.entities) : undefined;
    const tuned =
      values['linear-weight'] !== undefined && values.threshold !== undefined
        ? { weight: Number(values['linear-weight']), threshold: Number(values.threshold), tuneS: 0 }
        : await tune(train, val, locale, entities);
    const kefu = await trainKefu(train, locale, tuned.weight, entities);
    const kept = new Map<string, IntentScore[]>();
    const predictKept = async (text: string) => {
      const scores = await kefu.predict(text);
      kept.set(text, scores);
      return scores;
    };
    const out: Record<string, unknown> = {
      train: values.train,
      test: values.test[0],
      locale,
      linearWeight: tuned.weight,
      tune_s: Math.round(tuned.tuneS * 100) / 100,
      ...(entities ? { entities: Object.fromEntries(Object.entries(entities).map(([k, v]) => [k, v.length])) } : {}),
      kefu: await runReport(
        async (text) => ({ intent: decide(await predictKept(text), tuned.threshold), score: 0 }),
        test,
        kefu.trainS,
        tuned.threshold,
        train,
      ),
    };
    // The trade-off curve from the same predictions, not a second pass over the test set.
    const curve = await thresholdCurve(async (text) => kept.get(text) ?? kefu.predict(text), test);
    if (curve) out.kefu_threshold_curve = curve;
    if (values.baseline) {
      const base = await trainBaseline(train, locale);
      out.baseline = await runReport(base.predict, test, base.trainS, null, train);
    }
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const data = loadData(env);
  const zhFeatures = (values['zh-features'] ?? env.NLU_ZH_FEATURES) as ZhFeatures;
  const threshold = values.threshold !== undefined ? Number(values.threshold) : env.NLU_THRESHOLD;
  const linearWeight = values['linear-weight'] !== undefined ? Number(values['linear-weight']) : env.NLU_LINEAR_WEIGHT;
  const loaded = await loadOrTrain(data.corpus, { zhFeatures, linearWeight }, values['no-cache'] ? undefined : fromRoot(env.NLU_MODEL_CACHE_DIR), (m) =>
    process.stderr.write(`${m}\n`),
  );
  const recognizer = new KefuRecognizer({ threshold, emotion: new EmotionDetector(data.emotion) });
  recognizer.useClassifier(loaded.classifier);
  const locale = values.locale === 'zh' ? 'zh-CN' : values.locale === 'en' ? 'en' : undefined;
  const out: Record<string, unknown> = { zhFeatures, linearWeight, threshold, model: { source: loaded.source, ms: Math.round(loaded.ms) } };
  for (const file of values.test) {
    const report = await evaluate(recognizer, readLabelled(file), locale);
    out[file] = {
      n: report.n,
      accuracy: round(report.accuracy),
      in_scope_accuracy: round(report.inScope.accuracy),
      oos_recall: round(report.outOfScope.recall),
      p50_ms: round(report.latencyMs.p50),
      p99_ms: round(report.latencyMs.p99),
      ...(values.errors ? { errors: report.errors } : {}),
    };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

const round = (x: number) => Math.round(x * 10000) / 10000;

interface RiskCliOptions {
  test?: string[];
  cv?: string;
  errors: boolean;
  'no-cache': boolean;
  'no-intent': boolean;
  'tune-intent': boolean;
}

/** `eval-risk`: the risk scanner as the bot runs it (lexicon, model, intent signal), on labelled files or by cross-validation. */
async function evalRisk(values: RiskCliOptions): Promise<void> {
  const env = parseEnv(process.env);
  const data = loadData(env);
  const riskCorpus = readRiskCorpus(fromRoot(env.NLU_DATA_DIR));
  const cacheDir = values['no-cache'] ? undefined : fromRoot(env.NLU_MODEL_CACHE_DIR);
  const warn = (m: string) => process.stderr.write(`${m}\n`);
  const out: Record<string, unknown> = {};
  let intentOf: ((text: string) => Promise<{ intent: string; score: number } | undefined>) | undefined;
  if (!values['no-intent']) {
    const loaded = await loadOrTrain(data.corpus, { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT }, cacheDir, warn);
    const recognizer = new KefuRecognizer({ threshold: env.NLU_THRESHOLD, emotion: new EmotionDetector(data.emotion) });
    recognizer.useClassifier(loaded.classifier);
    const seen = new Map<string, { intent: string; score: number } | undefined>();
    intentOf = async (text) => {
      if (!seen.has(text)) seen.set(text, intentSignalOf(await recognizer.recognize(text)));
      return seen.get(text);
    };
    out.intent = { signals: data.risk.intents, model: { source: loaded.source, ms: Math.round(loaded.ms) } };
  }
  const shown = (r: RiskEvalReport) => (values.errors ? r : { ...r, errors: r.errors.length });
  if (values.test?.length) {
    const loaded = await loadOrTrainRisk({ corpus: riskCorpus, lexicon: data.risk, intents: data.corpus }, cacheDir, warn);
    out.model = { source: loaded.source, ms: Math.round(loaded.ms), key: loaded.key, cross_validated: loaded.model.validation };
    const scanner = new RiskScanner(data.risk, loaded.model);
    for (const file of values.test) out[file] = shown(await evaluateRisk(scanner, readRiskLabelled(file), intentOf));
    if (values.test.length > 1) {
      // A set's p99 is its third-slowest line or so: one pause decides it. Every line together gives the steadier figure.
      const all = await evaluateRisk(scanner, values.test.flatMap(readRiskLabelled), intentOf);
      out.scan_latency = { lines: all.n, p50_ms: all.p50_ms, p99_ms: all.p99_ms };
    }
  }
  if (values.cv) {
    const k = Number(values.cv);
    if (!Number.isInteger(k) || k < 2) throw new Error('--cv takes a number of folds ≥ 2');
    const cv = await crossValidateScanner(riskCorpus, data.risk, data.corpus, k, (model) => new RiskScanner(data.risk, model), intentOf);
    out[`cv_${k}_folds`] = { all: shown(cv.all), zh: shown(cv.zh), en: shown(cv.en) };
  }
  if (values['tune-intent'] && intentOf) {
    // The intent signal's thresholds, on validation data: what it adds to the cross-validated lexicon and model.
    const base = await crossValidateScanner(riskCorpus, data.risk, data.corpus, Number(values.cv ?? 5), (model) => new RiskScanner(data.risk, model));
    out.tune_intent = await intentSignalTable(base.scans, data.risk, intentOf, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
