/* `npm run nlu -- eval --test FILE [--locale zh|en] [--threshold N] [--zh-features char-ngrams|nlpjs-pinyin] [--errors]`
 * Evaluates the shipped corpus's model (the bot's own code path) on held-out JSON lines. */
import { parseArgs } from 'node:util';
import { loadData, parseEnv } from '../bot/config';
import { fromRoot } from '../bot/paths';
import { EmotionDetector } from './emotion';
import { evaluate } from './evaluate';
import { readLabelled } from './labelled';
import { loadOrTrain } from './modelCache';
import type { ZhFeatures } from './nlpjsClassifier';
import { KefuRecognizer } from './recognizer';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      test: { type: 'string', multiple: true },
      locale: { type: 'string' },
      threshold: { type: 'string' },
      'zh-features': { type: 'string' },
      errors: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  if (positionals[0] !== 'eval' || !values.test?.length) {
    process.stderr.write('usage: npm run nlu -- eval --test FILE [--test FILE…] [--locale zh|en] [--threshold N] [--zh-features char-ngrams|nlpjs-pinyin] [--errors]\n');
    process.exit(2);
  }
  const env = parseEnv(process.env);
  const data = loadData(env);
  const zhFeatures = (values['zh-features'] ?? env.NLU_ZH_FEATURES) as ZhFeatures;
  const threshold = values.threshold !== undefined ? Number(values.threshold) : env.NLU_THRESHOLD;
  const loaded = await loadOrTrain(data.corpus, { zhFeatures }, values['no-cache'] ? undefined : fromRoot(env.NLU_MODEL_CACHE_DIR), (m) => process.stderr.write(`${m}\n`));
  const recognizer = new KefuRecognizer({ threshold, emotion: new EmotionDetector(data.emotion) });
  recognizer.useClassifier(loaded.classifier);
  const locale = values.locale === 'zh' ? 'zh-CN' : values.locale === 'en' ? 'en' : undefined;
  const out: Record<string, unknown> = { zhFeatures, threshold, model: { source: loaded.source, ms: Math.round(loaded.ms) } };
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

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
