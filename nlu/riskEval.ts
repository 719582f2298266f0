import { z } from 'zod';
import type { IntentSignal, RiskScanner } from './risk';
import type { RiskScan } from './riskTypes';
import { RISK_CLASSES, riskRows, type RiskClass, type RiskCorpus, type RiskRow } from './riskCorpus';
import { RiskLexicon, type RiskLexiconData } from './riskLexicon';
import { RiskModel, stratifiedFolds, type RiskModelSettings } from './riskModel';
import type { Corpus } from './corpus';
import { readJsonLines } from './labelled';

const Row = z.object({ text: z.string().min(1), category: z.enum(RISK_CLASSES) }).strict();

/** Reads `{text, category}` JSON lines (`category` none for what is not a risk); names file and line on error. */
export function readRiskLabelled(path: string): RiskRow[] {
  return readJsonLines(path, Row);
}

export interface RiskError {
  text: string;
  expected: RiskClass;
  got: RiskClass;
  source: string;
  score: number;
  matched: string[];
}

export interface RiskEvalReport {
  n: number;
  risky: number;
  benign: number;
  /** Risky sentences flagged as any risk. */
  recall: number;
  /** Among the risky sentences flagged, those given their own category. */
  category_accuracy: number;
  /** Benign sentences flagged. */
  false_alarm_rate: number;
  per_category: Record<string, { n: number; flagged: number; right_category: number }>;
  /** Which signal decided, over the flagged sentences. */
  by_source: Record<string, number>;
  p50_ms: number;
  p99_ms: number;
  errors: RiskError[];
}

/** Scans every row (the intents, if given, worked out first: only the scan is timed) and scores the decisions. */
export async function evaluateRisk(
  scanner: Pick<RiskScanner, 'scan'>,
  rows: readonly RiskRow[],
  intentOf?: (text: string) => Promise<IntentSignal | undefined>,
): Promise<RiskEvalReport> {
  const { results, latencies } = await scanTimed(scanner, rows, intentOf);
  return scoreRisk(rows, results, latencies);
}

async function scanTimed(scanner: Pick<RiskScanner, 'scan'>, rows: readonly RiskRow[], intentOf?: (text: string) => Promise<IntentSignal | undefined>) {
  const intents = intentOf ? await Promise.all(rows.map((r) => intentOf(r.text))) : rows.map(() => undefined);
  // Latency is that of a warm server: one untimed pass lets the JIT compile the hot paths first.
  rows.forEach((r, i) => scanner.scan(r.text, intents[i]));
  const latencies: number[] = [];
  const results = rows.map((r, i) => {
    const started = performance.now();
    const risk = scanner.scan(r.text, intents[i]);
    latencies.push(performance.now() - started);
    return risk;
  });
  return { results, latencies };
}

export function scoreRisk(
  rows: readonly RiskRow[],
  results: ReadonlyArray<{ level: string; category?: string; source: string; score: number; matched: string[] }>,
  latencies: number[],
): RiskEvalReport {
  const perCategory: RiskEvalReport['per_category'] = {};
  const bySource: Record<string, number> = {};
  const errors: RiskError[] = [];
  let risky = 0;
  let caught = 0;
  let right = 0;
  let benign = 0;
  let falseAlarms = 0;
  rows.forEach((row, i) => {
    const r = results[i];
    const flagged = r.level !== 'none';
    const got = (flagged ? (r.category ?? 'none') : 'none') as RiskClass;
    const bucket = (perCategory[row.category] ??= { n: 0, flagged: 0, right_category: 0 });
    bucket.n += 1;
    if (flagged) {
      bucket.flagged += 1;
      bySource[r.source] = (bySource[r.source] ?? 0) + 1;
    }
    if (got === row.category) bucket.right_category += 1;
    if (row.category === 'none') {
      benign += 1;
      if (flagged) falseAlarms += 1;
    } else {
      risky += 1;
      if (flagged) caught += 1;
      if (flagged && got === row.category) right += 1;
    }
    if (got !== row.category) errors.push({ text: row.text, expected: row.category, got, source: r.source, score: r.score, matched: r.matched });
  });
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    n: rows.length,
    risky,
    benign,
    recall: round(risky ? caught / risky : 0),
    category_accuracy: round(caught ? right / caught : 0),
    false_alarm_rate: round(benign ? falseAlarms / benign : 0),
    per_category: perCategory,
    by_source: bySource,
    p50_ms: round(pct(0.5)),
    p99_ms: round(pct(0.99)),
    errors,
  };
}

/**
 * The whole scanner (lexicon, model, intent) cross-validated on the risk corpus: each fold's
 * phrasings scanned with a model trained on the other folds (its own threshold chosen by
 * cross-validation inside them).
 */
export async function crossValidateScanner(
  corpus: RiskCorpus,
  lexicon: RiskLexiconData,
  intents: Corpus | undefined,
  k: number,
  scannerFor: (model: RiskModel) => Pick<RiskScanner, 'scan'>,
  intentOf?: (text: string) => Promise<IntentSignal | undefined>,
  settings?: RiskModelSettings,
): Promise<Record<'all' | 'zh' | 'en', RiskEvalReport> & { scans: Array<{ row: RiskRow; risk: RiskScan }> }> {
  const all = { zh: riskRows(corpus.zh), en: riskRows(corpus.en) };
  const folds = {
    zh: stratifiedFolds(
      all.zh.map((r) => r.category),
      k,
      11,
    ),
    en: stratifiedFolds(
      all.en.map((r) => r.category),
      k,
      11,
    ),
  };
  const rows: RiskRow[] = [];
  const langs: Array<'zh' | 'en'> = [];
  const results: Array<ReturnType<RiskScanner['scan']>> = [];
  const latencies: number[] = [];
  for (let f = 0; f < k; f += 1) {
    const part = (l: 'zh' | 'en', inFold: boolean) => all[l].filter((_, i) => (folds[l][i] === f) === inFold);
    // The everyday messages are not scored here: every fold trains and calibrates on all of them.
    const train: RiskCorpus = {
      zh: toCorpus(corpus.zh.locale, part('zh', false), corpus.zh.everyday),
      en: toCorpus(corpus.en.locale, part('en', false), corpus.en.everyday),
    };
    const scanner = scannerFor(RiskModel.train({ corpus: train, lexicon, intents }, settings));
    const heldZh = part('zh', true);
    const held = [...heldZh, ...part('en', true)];
    const scanned = await scanTimed(scanner, held, intentOf);
    rows.push(...held);
    held.forEach((_, i) => langs.push(i < heldZh.length ? 'zh' : 'en'));
    results.push(...scanned.results);
    latencies.push(...scanned.latencies);
  }
  const only = (l: 'zh' | 'en') => {
    const keep = (_: unknown, i: number) => langs[i] === l;
    return scoreRisk(rows.filter(keep), results.filter(keep), latencies.filter(keep));
  };
  return { all: scoreRisk(rows, results, latencies), zh: only('zh'), en: only('en'), scans: rows.map((row, i) => ({ row, risk: results[i] })) };
}

export interface IntentThresholdRow {
  min_score: number;
  /** Sentences the signal adds to what the lexicon and the model flagged, by their true class. */
  added: { own_category: number; other_risk: number; benign: number };
  added_benign: string[];
}

/**
 * What each intent signal adds, per threshold, to scans made without it (cross-validated lexicon
 * and model): risky sentences newly caught against benign ones newly flagged. A negated risk word
 * vetoes the signal's category, as in the scanner.
 */
export async function intentSignalTable(
  scans: ReadonlyArray<{ row: RiskRow; risk: RiskScan }>,
  lexicon: RiskLexiconData,
  intentOf: (text: string) => Promise<IntentSignal | undefined>,
  thresholds: readonly number[],
): Promise<Record<string, IntentThresholdRow[]>> {
  const lex = new RiskLexicon(lexicon);
  const missed = scans.filter((s) => s.risk.level === 'none');
  const signals = await Promise.all(missed.map((s) => intentOf(s.row.text)));
  const vetoed = missed.map((s) => lex.scan(lex.mask(s.row.text)).vetoed);
  const table: Record<string, IntentThresholdRow[]> = {};
  for (const [intent, { category }] of Object.entries(lexicon.intents)) {
    table[intent] = thresholds.map((t) => {
      const added = missed.filter((_, i) => signals[i]?.intent === intent && (signals[i]?.score ?? 0) >= t && !vetoed[i].has(category)).map((s) => s.row);
      return {
        min_score: t,
        added: {
          own_category: added.filter((r) => r.category === category).length,
          other_risk: added.filter((r) => r.category !== category && r.category !== 'none').length,
          benign: added.filter((r) => r.category === 'none').length,
        },
        added_benign: added.filter((r) => r.category === 'none').map((r) => r.text),
      };
    });
  }
  return table;
}

function toCorpus(locale: 'zh' | 'en', rows: RiskRow[], everyday: string[]): RiskCorpus['zh'] {
  const categories = Object.fromEntries(RISK_CLASSES.map((c) => [c, rows.filter((r) => r.category === c).map((r) => r.text)]));
  return { locale, categories: categories as RiskCorpus['zh']['categories'], everyday };
}
