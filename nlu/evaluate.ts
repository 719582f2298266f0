import type { LabelledRow } from './labelled';
import { NONE_INTENT, type Recognizer } from './types';
import { type Locale } from '../kernel/locale';

/** Labels that mean "out of scope" in kefu's and the benchmarks' data. */
const OUT_OF_SCOPE = new Set([NONE_INTENT, 'oos']);

export interface EvalReport {
  n: number;
  accuracy: number;
  inScope: { n: number; accuracy: number };
  outOfScope: { n: number; recall: number };
  perIntent: Record<string, { n: number; correct: number }>;
  errors: Array<{ text: string; expected: string; got: string; score: number }>;
  latencyMs: { p50: number; p99: number };
}

export async function evaluate(recognizer: Recognizer, rows: LabelledRow[], locale?: Locale): Promise<EvalReport> {
  const perIntent: EvalReport['perIntent'] = {};
  const errors: EvalReport['errors'] = [];
  const latencies: number[] = [];
  let correct = 0;
  let inN = 0;
  let inCorrect = 0;
  let oosN = 0;
  let oosCorrect = 0;
  // Latency is that of a warm server: one untimed pass lets the JIT compile the hot paths first.
  for (const row of rows) await recognizer.recognize(row.text, locale ? { locale } : {});
  for (const row of rows) {
    const started = performance.now();
    const result = await recognizer.recognize(row.text, locale ? { locale } : {});
    latencies.push(performance.now() - started);
    const expectedOos = OUT_OF_SCOPE.has(row.intent);
    const ok = expectedOos ? result.intent === NONE_INTENT : result.intent === row.intent;
    const bucket = (perIntent[row.intent] ??= { n: 0, correct: 0 });
    bucket.n += 1;
    if (ok) {
      correct += 1;
      bucket.correct += 1;
    } else {
      errors.push({ text: row.text, expected: row.intent, got: result.intent, score: Number(result.score.toFixed(3)) });
    }
    if (expectedOos) {
      oosN += 1;
      if (ok) oosCorrect += 1;
    } else {
      inN += 1;
      if (ok) inCorrect += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    n: rows.length,
    accuracy: rows.length ? correct / rows.length : 0,
    inScope: { n: inN, accuracy: inN ? inCorrect / inN : 0 },
    outOfScope: { n: oosN, recall: oosN ? oosCorrect / oosN : 0 },
    perIntent,
    errors,
    latencyMs: { p50: pct(0.5), p99: pct(0.99) },
  };
}
