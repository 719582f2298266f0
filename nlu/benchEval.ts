import type { Container, Nlp as NlpInstance } from '@nlpjs/basic';
import { HybridClassifier } from './hybridClassifier';
import type { LabelledRow } from './labelled';
import type { IntentScore } from './types';
import type { Locale } from '../kernel/locale';

const OOS = new Set(['oos', 'None']);

export interface BenchReport {
  n: number;
  accuracy: number;
  in_scope_accuracy: number;
  oos_recall: number | null;
  threshold: number | null;
  train_s: number;
  p50_ms: number;
  p99_ms: number;
}

type Predict = (text: string) => Promise<{ intent: string; score: number }>;

/** kefu's own pipeline (the same classes the bot uses), trained on arbitrary labelled rows. */
export async function trainKefu(
  rows: LabelledRow[],
  locale: Locale,
  linearWeight: number,
  entities?: Record<string, string[]>,
): Promise<{ predict: (text: string) => Promise<IntentScore[]>; trainS: number; classifier: HybridClassifier }> {
  const started = performance.now();
  const intents: Record<string, string[]> = {};
  for (const r of rows) (intents[OOS.has(r.intent) ? 'None' : r.intent] ??= []).push(r.text);
  const lang = locale === 'zh-CN' ? 'zh' : 'en';
  const corpus = {
    zh: { locale: 'zh' as const, intents: lang === 'zh' ? intents : {}, entities: lang === 'zh' ? entities : undefined },
    en: { locale: 'en' as const, intents: lang === 'en' ? intents : {}, entities: lang === 'en' ? entities : undefined },
  };
  const classifier = await HybridClassifier.train(corpus, { zhFeatures: 'char-ngrams', linearWeight });
  return { predict: (text) => classifier.classify(text, locale), trainS: (performance.now() - started) / 1000, classifier };
}

const WEIGHTS = [0.3, 0.5, 0.7, 0.85, 1];
const FOLDS = 5;

/**
 * Chooses the blend weight and the out-of-scope threshold on validation rows — the given --val, or
 * else 5-fold cross-validation on the training rows (every row held out once: one small split is
 * too noisy to choose between weights) — so nothing is tuned on the test set.
 */
export async function tune(
  train: LabelledRow[],
  val: LabelledRow[] | undefined,
  locale: Locale,
  entities?: Record<string, string[]>,
): Promise<{ weight: number; threshold: number; tuneS: number }> {
  const started = performance.now();
  const splits = val
    ? [{ fit: train, held: val }]
    : Array.from({ length: FOLDS }, (_, f) => ({ fit: train.filter((_, i) => i % FOLDS !== f), held: train.filter((_, i) => i % FOLDS === f) }));
  // Per weight, every held-out row with its blended scores, pooled over the splits.
  const pooled = new Map<number, Array<{ r: LabelledRow; s: IntentScore[] }>>(WEIGHTS.map((w) => [w, []]));
  for (const { fit, held } of splits) {
    const model = await trainKefu(fit, locale, 0.5, entities);
    for (const r of held) for (const w of WEIGHTS) pooled.get(w)?.push({ r, s: await model.classifier.classifyWith(r.text, locale, w) });
  }
  const hasOos = train.some((r) => OOS.has(r.intent)) && splits.every(({ held }) => held.some((r) => OOS.has(r.intent)));
  let best = { weight: 0.5, threshold: 0, v: -1 };
  for (const weight of WEIGHTS) {
    const scored = pooled.get(weight) ?? [];
    const threshold = hasOos ? chooseThreshold(scored) : 0;
    const v = measure(scored.map(({ r, s }) => ({ expected: r.intent, got: decide(s, threshold) }))).accuracy;
    if (v > best.v) best = { weight, threshold, v };
  }
  return { weight: best.weight, threshold: best.threshold, tuneS: (performance.now() - started) / 1000 };
}

/** Plain @nlpjs/basic with its defaults (autoSave off only, so it writes no model.nlp). */
export async function trainBaseline(rows: LabelledRow[], locale: Locale): Promise<{ predict: Predict; trainS: number }> {
  const started = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when the baseline is trained, like nlpjsClassifier's lazy loads */
  const basic = require('@nlpjs/basic') as typeof import('@nlpjs/basic');
  const { LangZh } = require('@nlpjs/lang-zh') as { LangZh: unknown };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const container: Container = await basic.containerBootstrap();
  container.use(basic.Nlp);
  container.use(basic.LangEn);
  container.use(LangZh);
  const nlp = container.get('nlp') as NlpInstance & { process(locale: string, text: string): Promise<{ intent: string; score: number }> };
  nlp.settings.autoSave = false;
  const lang = locale === 'zh-CN' ? 'zh' : 'en';
  nlp.addLanguage(lang);
  for (const r of rows) if (!OOS.has(r.intent)) nlp.addDocument(lang, r.text, r.intent);
  const log = console.log;
  console.log = () => undefined; // NLP.js prints every training epoch
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  return { predict: async (text) => nlp.process(lang, text), trainS: (performance.now() - started) / 1000 };
}

/** Picks the out-of-scope threshold on validation rows: the best accuracy over all of them (in scope and out). */
export function chooseThreshold(scored: Array<{ r: LabelledRow; s: IntentScore[] }>): number {
  let best = { t: 0.5, v: -1 };
  for (let t = 0; t <= 0.95; t += 0.025) {
    const v = measure(scored.map(({ r, s }) => ({ expected: r.intent, got: decide(s, t) }))).accuracy;
    if (v > best.v) best = { t, v };
  }
  return Math.round(best.t * 1000) / 1000;
}

/** The recogniser's rule: out of scope when the trained None wins or the best real intent is weak. */
export function decide(scores: IntentScore[], threshold: number): string {
  const real = scores.filter((s) => s.intent !== 'None');
  if (!real[0] || scores[0]?.intent === 'None' || real[0].score < threshold) return 'None';
  return real[0].intent;
}

export function measure(results: Array<{ expected: string; got: string }>): { accuracy: number; in_scope_accuracy: number; oos_recall: number | null } {
  const isOos = (x: string) => OOS.has(x);
  const correct = (r: { expected: string; got: string }) => (isOos(r.expected) ? isOos(r.got) : r.got === r.expected);
  const inScope = results.filter((r) => !isOos(r.expected));
  const oos = results.filter((r) => isOos(r.expected));
  const ratio = (xs: typeof results) => (xs.length ? xs.filter(correct).length / xs.length : 0);
  return { accuracy: ratio(results), in_scope_accuracy: ratio(inScope), oos_recall: oos.length ? ratio(oos) : null };
}

export async function runReport(
  predict: Predict,
  test: LabelledRow[],
  trainS: number,
  threshold: number | null,
  warmUp: LabelledRow[] = [],
): Promise<BenchReport> {
  // A server classifies for hours: latency is measured after the JIT has seen the code (on training texts).
  for (const r of warmUp.slice(0, 1000)) await predict(r.text);
  const results: Array<{ expected: string; got: string }> = [];
  const latencies: number[] = [];
  for (const r of test) {
    const started = performance.now();
    const p = await predict(r.text);
    latencies.push(performance.now() - started);
    results.push({ expected: r.intent, got: p.intent });
  }
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const m = measure(results);
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return {
    n: test.length,
    accuracy: r4(m.accuracy),
    in_scope_accuracy: r4(m.in_scope_accuracy),
    oos_recall: m.oos_recall === null ? null : r4(m.oos_recall),
    threshold,
    train_s: Math.round(trainS * 100) / 100,
    p50_ms: r4(pct(0.5)),
    p99_ms: r4(pct(0.99)),
  };
}

/** In-scope accuracy and out-of-scope recall at several thresholds: the trade-off the chosen threshold sits on. */
export async function thresholdCurve(
  predict: (text: string) => Promise<IntentScore[]>,
  test: LabelledRow[],
): Promise<Array<{ threshold: number; in_scope_accuracy: number; oos_recall: number | null }> | undefined> {
  if (!test.some((r) => OOS.has(r.intent))) return undefined;
  const scored = await Promise.all(test.map(async (r) => ({ r, s: await predict(r.text) })));
  return [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5].map((threshold) => {
    const m = measure(scored.map(({ r, s }) => ({ expected: r.intent, got: decide(s, threshold) })));
    return {
      threshold,
      in_scope_accuracy: Math.round(m.in_scope_accuracy * 10000) / 10000,
      oos_recall: m.oos_recall === null ? null : Math.round(m.oos_recall * 10000) / 10000,
    };
  });
}
