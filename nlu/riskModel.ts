import type { Corpus } from './corpus';
import { DEFAULT_LINEAR, LinearClassifier, type LinearModelData, type LinearOptions } from './linearClassifier';
import { detectLocale } from './locale';
import { riskRows, type RiskClass, type RiskCorpus } from './riskCorpus';
import { RiskLexicon, type RiskLexiconData } from './riskLexicon';
import type { RiskCategory } from './riskTypes';

/** Bump when the way the risk model is built changes, so cached models are not reused. */
export const RISK_MODEL_VERSION = 'kefu-risk-3';

export interface RiskTrainingInput {
  corpus: RiskCorpus;
  /** Its exclusions are blanked out of every text, as at scan time; its `model` false-alarm budgets choose the threshold. */
  lexicon: RiskLexiconData;
  /**
   * The intent corpus: phrasings of intents that are no risk (order status, invoices, greetings…)
   * become extra `none` examples, so ordinary questions stay quiet. Intents with a risk signal in
   * the lexicon, and phrasings the lexicon flags, are left out.
   */
  intents?: Corpus;
}

export interface RiskModelSettings {
  /** Cross-validation folds over the risk corpus, for the threshold. */
  folds: number;
  linear: LinearOptions;
}

/**
 * Twice the intent model's epochs: chosen on cross-validation of the risk corpus (recall at the
 * false-alarm budgets, zh + en: 30 epochs 85.6% + 78.4%, 60 → 86.7% + 79.6%, 100 → 86.0% + 80.3%).
 */
export const DEFAULT_RISK_SETTINGS: RiskModelSettings = { folds: 5, linear: { ...DEFAULT_LINEAR, epochs: 60 } };

/** What cross-validation on the risk corpus measured at the chosen threshold (each phrasing scored by a model that did not see it). */
export interface RiskValidation {
  risky: number;
  benign: number;
  /** Risky phrasings flagged (any category). */
  recall: number;
  /** Among risky phrasings flagged, those given their own category. */
  categoryAccuracy: number;
  /** `none` phrasings of the risk corpus flagged (its traps: hyperbole, questions about a topic, negations). */
  falseAlarmRate: number;
  /** Everyday messages (the intent corpus's benign phrasings): how many, and the share flagged. */
  everyday: number;
  everydayFalseAlarmRate: number;
}

export interface RiskThresholds {
  /** Flag when 1 − P(none) is at least this. */
  threshold: number;
  /** Also flag when a critical category's own probability is at least this (a lower bar: missing one costs more). */
  criticalThreshold: number;
  /** The categories risk.json rated critical when the model was trained. */
  critical: RiskCategory[];
}

export interface RiskLanguageData extends RiskThresholds {
  linear: LinearModelData;
  validation: RiskValidation;
}

export interface RiskModelData {
  version: 1;
  zh: RiskLanguageData;
  en: RiskLanguageData;
}

export interface RiskPrediction {
  /** The likeliest risk category (even when not flagged); absent when the text has nothing the model knows. */
  category?: RiskCategory;
  /** 1 − P(none): how likely the text is a risk of any kind. */
  score: number;
  flagged: boolean;
}

type Lang = 'zh' | 'en';
const NONE: RiskClass = 'none';

interface LanguageModel extends RiskThresholds {
  linear: LinearClassifier;
  validation: RiskValidation;
}

/** In choosing the thresholds, a missed risk of a critical category counts this many times one of a high category. */
const CRITICAL_WEIGHT = 2;

/**
 * The risk model: per language, a logistic regression on word and character n-grams
 * (`linearClassifier.ts`) over none/safety/security/legal/food_safety/abuse. It flags a text when
 * 1 − P(none) reaches one threshold, or the probability of a critical category (safety…) reaches a
 * second, lower one. Both are chosen by cross-validation: the pair that catches the most risks
 * (critical ones counting double) while keeping within both false-alarm budgets of risk.json (the
 * corpus's `none` traps, and everyday messages).
 */
export class RiskModel {
  private constructor(private readonly langs: Record<Lang, LanguageModel>) {}

  static train(input: RiskTrainingInput, settings: RiskModelSettings = DEFAULT_RISK_SETTINGS): RiskModel {
    const lexicon = new RiskLexicon(input.lexicon);
    const critical = (Object.keys(input.lexicon.categories) as RiskCategory[]).filter((c) => input.lexicon.categories[c].severity === 'critical');
    const lang = (l: Lang): LanguageModel => {
      const rows = riskRows(input.corpus[l]).map((r) => ({ text: lexicon.mask(r.text), intent: r.category }));
      const everyday = [...benignIntentRows(input.intents?.[l].intents, lexicon), ...quiet(input.corpus[l].everyday, lexicon)].map((text) => ({
        text,
        intent: NONE,
      }));
      const { corpus, extra } = crossValidate(rows, everyday, critical, settings);
      const chosen = chooseThresholds(corpus, extra, input.lexicon.model, critical);
      return {
        linear: LinearClassifier.train([...rows, ...everyday], settings.linear),
        ...chosen,
        validation: validationAt(corpus, extra, chosen),
      };
    };
    return new RiskModel({ zh: lang('zh'), en: lang('en') });
  }

  static fromData(data: RiskModelData): RiskModel {
    const lang = (d: RiskLanguageData): LanguageModel => ({ ...d, linear: LinearClassifier.fromData(d.linear) });
    return new RiskModel({ zh: lang(data.zh), en: lang(data.en) });
  }

  toData(): RiskModelData {
    const lang = (m: LanguageModel): RiskLanguageData => ({ ...m, linear: m.linear.toData() });
    return { version: 1, zh: lang(this.langs.zh), en: lang(this.langs.en) };
  }

  /** Per language: the thresholds and what cross-validation measured at them. */
  get validation(): Record<Lang, RiskValidation & Omit<RiskThresholds, 'critical'>> {
    const of = (m: LanguageModel) => ({ ...m.validation, threshold: m.threshold, criticalThreshold: m.criticalThreshold });
    return { zh: of(this.langs.zh), en: of(this.langs.en) };
  }

  /** `masked`: the text as `RiskLexicon.mask` leaves it (lower case, exclusions blanked). */
  predict(masked: string): RiskPrediction {
    const m = this.langs[langOf(masked)];
    return decide(score(m.linear, masked, m.critical), m);
  }

  /**
   * Several messages of one customer read as one case: the evidence of each (the chance it is a
   * risk, and of the newest message's critical category) combined as independent signals
   * (1 − Π(1 − pᵢ)), decided with the same thresholds. The newest message names the category and
   * the language. `masked`: oldest first, as `RiskLexicon.mask` leaves them.
   */
  predictConversation(masked: readonly string[]): RiskPrediction {
    const newest = masked.at(-1) ?? '';
    const m = this.langs[langOf(newest)];
    const scored = masked.map((t) => score(m.linear, t, m.critical));
    const last = scored[scored.length - 1];
    const combine = (ps: number[]) => 1 - ps.reduce((rest, p) => rest * (1 - p), 1);
    const combined: Scored = {
      label: '',
      risk: combine(scored.map((s) => s.risk)),
      category: last.category,
      critical: last.criticalCategory ? combine(scored.map((s) => (s.criticalCategory === last.criticalCategory ? s.critical : 0))) : 0,
      criticalCategory: last.criticalCategory,
    };
    return decide(combined, m);
  }

  /** The n-grams that weigh most toward `category` rather than `none`, as words a person can read ("弄死", "threatening"). */
  explain(masked: string, category: RiskCategory, max = 3): string[] {
    const out: string[] = [];
    for (const { feature, value } of this.langs[langOf(masked)].linear.contributions(masked, category, NONE)) {
      if (value <= 0 || out.length >= max) break;
      const surface = readable(feature, masked);
      if (surface && !out.some((o) => o.includes(surface) || surface.includes(o))) out.push(surface);
    }
    return out;
  }
}

function langOf(text: string): Lang {
  return detectLocale(text, 'zh-CN') === 'zh-CN' ? 'zh' : 'en';
}

/** A row as cross-validation scored it. */
export interface Scored {
  label: string;
  /** 1 − P(none). */
  risk: number;
  /** The likeliest risk category. */
  category?: RiskCategory;
  /** The likeliest critical category and its probability. */
  critical: number;
  criticalCategory?: RiskCategory;
}

function score(linear: LinearClassifier, text: string, critical: readonly RiskCategory[], label = ''): Scored {
  const scores = linear.classify(text);
  if (scores.length === 0) return { label, risk: 0, critical: 0 };
  const none = scores.find((s) => s.intent === NONE)?.score ?? 0;
  const best = scores.find((s) => s.intent !== NONE);
  const crit = scores.find((s) => (critical as readonly string[]).includes(s.intent));
  return {
    label,
    risk: 1 - none,
    category: best?.intent as RiskCategory | undefined,
    critical: crit?.score ?? 0,
    criticalCategory: crit?.intent as RiskCategory | undefined,
  };
}

function decide(s: Scored, t: Omit<RiskThresholds, 'critical'>): RiskPrediction {
  if (s.criticalCategory && s.critical >= t.criticalThreshold) return { category: s.criticalCategory, score: s.risk, flagged: true };
  return { category: s.category, score: s.risk, flagged: s.category !== undefined && s.risk >= t.threshold };
}

/** `c3:弄死我` → 弄死我, `b:hurt_me` → hurt me, `c4:reat` → threatening (the whole words of the text it is in); entity lists have no words. */
function readable(feature: string, text: string): string | undefined {
  const colon = feature.indexOf(':');
  const kind = feature.slice(0, colon);
  const body = feature.slice(colon + 1);
  if (kind === 'gz') return undefined;
  let surface = (kind === 'b' ? body.replace('_', ' ') : body).trim();
  if (!/\p{Script=Han}/u.test(surface)) {
    // A piece of a Latin word says little ("reat"): widen it to the words it was cut from.
    const at = text.indexOf(surface);
    if (at >= 0) {
      let start = at;
      let end = at + surface.length;
      while (start > 0 && /[a-z0-9']/.test(text[start - 1])) start -= 1;
      while (end < text.length && /[a-z0-9']/.test(text[end])) end += 1;
      surface = text.slice(start, end).trim();
    }
  }
  // One Han character or a couple of letters say nothing to a reader.
  return /\p{Script=Han}{2}|[a-z0-9']{3}/u.test(surface) ? surface : undefined;
}

/** The intent corpus's phrasings that are surely not a risk (intents with no risk signal), exclusions blanked. */
function benignIntentRows(intents: Record<string, string[]> | undefined, lexicon: RiskLexicon): string[] {
  if (!intents) return [];
  return Object.entries(intents).flatMap(([intent, texts]) => (Object.hasOwn(lexicon.data.intents, intent) ? [] : quiet(texts, lexicon)));
}

/** Texts as the model sees them (exclusions blanked), less those with a listed phrase: the lexicon flags those whatever the model says. */
function quiet(texts: readonly string[], lexicon: RiskLexicon): string[] {
  return texts.map((t) => lexicon.mask(t)).filter((masked) => lexicon.scan(masked).hits.length === 0);
}

/** Every row (risk corpus and everyday phrasings) scored by a model trained on the other folds. */
function crossValidate(
  rows: Array<{ text: string; intent: string }>,
  extra: Array<{ text: string; intent: string }>,
  critical: readonly RiskCategory[],
  settings: RiskModelSettings,
) {
  const k = Math.max(2, settings.folds);
  const all = [...rows, ...extra];
  // The everyday phrasings are dealt over the folds apart from the corpus's own `none` class.
  const fold = stratifiedFolds(
    all.map((r, i) => (i < rows.length ? r.intent : 'everyday')),
    k,
  );
  const out = new Array<Scored>(all.length);
  for (let f = 0; f < k; f += 1) {
    const model = LinearClassifier.train(
      all.filter((_, i) => fold[i] !== f),
      settings.linear,
    );
    all.forEach((r, i) => {
      if (fold[i] === f) out[i] = score(model, r.text, critical, r.intent);
    });
  }
  return { corpus: out.slice(0, rows.length), extra: out.slice(rows.length) };
}

/** A fold (0..k−1) per row: each label's rows dealt round-robin over the folds after a seeded shuffle, so every fold has its share of each class. */
export function stratifiedFolds(labels: readonly string[], k: number, seed = 7): number[] {
  const fold = new Array<number>(labels.length);
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => byLabel.set(label, [...(byLabel.get(label) ?? []), i]));
  for (const idx of byLabel.values()) {
    for (let i = idx.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.forEach((row, n) => (fold[row] = n % k));
  }
  return fold;
}

/**
 * The two thresholds, searched on a grid over cross-validated scores: of the pairs within both
 * false-alarm budgets (the corpus's `none` rows; the everyday rows), the one catching the most risky
 * rows, a critical-category row counting CRITICAL_WEIGHT times.
 */
export function chooseThresholds(
  corpus: readonly Scored[],
  everyday: readonly Scored[],
  budget: { maxFalseAlarmRate: number; maxEverydayFalseAlarmRate: number },
  critical: readonly RiskCategory[],
): RiskThresholds {
  const traps = corpus.filter((s) => s.label === NONE);
  const risky = corpus.filter((s) => s.label !== NONE);
  const weight = (s: Scored) => ((critical as readonly string[]).includes(s.label) ? CRITICAL_WEIGHT : 1);
  const rate = (rows: readonly Scored[], t: Omit<RiskThresholds, 'critical'>) =>
    rows.length ? rows.filter((s) => decide(s, t).flagged).length / rows.length : 0;
  let ties: Array<Omit<RiskThresholds, 'critical'>> = [];
  let most = -1;
  const grid = (from: number, to: number, step: number) =>
    Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);
  for (const threshold of grid(0.2, 0.99, 0.01)) {
    for (const criticalThreshold of [...grid(0.1, 0.95, 0.05), 1]) {
      const t = { threshold, criticalThreshold };
      if (rate(traps, t) > budget.maxFalseAlarmRate || rate(everyday, t) > budget.maxEverydayFalseAlarmRate) continue;
      const caught = risky.reduce((n, s) => n + (decide(s, t).flagged ? weight(s) : 0), 0);
      if (caught > most) [most, ties] = [caught, []];
      if (caught === most) ties.push(t);
    }
  }
  // Of equals, the quietest critical bar, and the middle of the range of thresholds: no knife edge on a training row.
  const quietest = Math.max(...ties.map((t) => t.criticalThreshold));
  const range = ties.filter((t) => t.criticalThreshold === quietest).map((t) => t.threshold);
  const best = { threshold: range[Math.floor(range.length / 2)] ?? 1, criticalThreshold: ties.length ? quietest : 1 };
  return { ...best, critical: [...critical] };
}

function validationAt(corpus: readonly Scored[], everyday: readonly Scored[], t: RiskThresholds): RiskValidation {
  const risky = corpus.filter((s) => s.label !== NONE);
  const benign = corpus.filter((s) => s.label === NONE);
  const flagged = risky.map((s) => ({ s, p: decide(s, t) })).filter(({ p }) => p.flagged);
  const share = (n: number, of: number) => (of ? Math.round((n / of) * 10000) / 10000 : 0);
  return {
    risky: risky.length,
    benign: benign.length,
    recall: share(flagged.length, risky.length),
    categoryAccuracy: share(flagged.filter(({ s, p }) => p.category === s.label).length, flagged.length),
    falseAlarmRate: share(benign.filter((s) => decide(s, t).flagged).length, benign.length),
    everyday: everyday.length,
    everydayFalseAlarmRate: share(everyday.filter((s) => decide(s, t).flagged).length, everyday.length),
  };
}
