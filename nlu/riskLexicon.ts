import { z } from 'zod';
import { RiskCategory } from './riskTypes';

const Words = z.array(z.string().trim().min(1));
const Severity = z.enum(['high', 'critical']);
const Category = z.object({ severity: Severity, zh: Words, en: Words }).strict();

/** `nlu/data/risk.json`: high-risk words by category and severity [000 PART02, 003 高危用戶升級機制], and how the other signals are used. */
export const RiskLexiconFile = z
  .object({
    /** Each category's severity is also that of the model's and the intent's hits in it. */
    categories: z.object({ safety: Category, security: Category, legal: Category, food_safety: Category, abuse: Category }).strict(),
    /** Phrases containing a risk word that are not a risk (报警器 is not 报警; "killing me" is not self-harm); blanked out before any signal reads the text. */
    exclusions: z.object({ zh: Words, en: Words }).strict(),
    /** A risk word shortly after one of these is negated ("没有被盗", "I'm not going to sue"), and vetoes its category for the model and the intent too. */
    negations: z.object({ zh: Words, en: Words }).strict(),
    /**
     * A message that says it is only asking, or joking ("就是问问", "asking in advance", "lol"): a
     * listed phrase of these categories in it does not fire, nor does their topic intent; the
     * model still reads it. Never for a category a hypothetical can hide (self-harm is said with 哈哈 too).
     */
    framings: z
      .object({
        zh: Words,
        en: Words,
        categories: z.array(RiskCategory).min(1),
        /**
         * Words that turn the message after a framing ("之前的事已经处理好了 但是又…", "just asking, but
         * there's a charge I didn't make"): a framing followed by one of these frames nothing.
         */
        contrasts: z.object({ zh: Words, en: Words }).strict().optional(),
      })
      .strict()
      .optional(),
    /**
     * Listed phrases that say something is wrong but not what caused it (呕吐, 进医院, "in the ER"):
     * they fire like any listed phrase, but when the model reads the message as another category of
     * the same severity (a child who swallowed a magnet and is vomiting: safety), its category stands.
     * Each must be a phrase listed in a category.
     */
    symptoms: z.object({ zh: Words, en: Words }).strict().optional(),
    /** Topic intents that are a risk by themselves once the recogniser is this sure of them (score ≥ minScore). */
    intents: z.record(z.string(), z.object({ category: RiskCategory, minScore: z.number().min(0).max(1) }).strict()),
    /**
     * The risk model's false-alarm budgets: its flag threshold is the lowest at which, cross-validated,
     * at most this share of the risk corpus's `none` phrasings (traps: 饿死了, 打我电话…) and of
     * everyday messages (the intent corpus's phrasings of intents that are no risk) is flagged.
     */
    model: z.object({ maxFalseAlarmRate: z.number().min(0).max(1), maxEverydayFalseAlarmRate: z.number().min(0).max(1) }).strict(),
  })
  .strict()
  .superRefine((data, ctx) => {
    for (const lang of ['zh', 'en'] as const) {
      const listed = new Set(Object.values(data.categories).flatMap((c) => c[lang].map((t) => t.toLowerCase())));
      (data.symptoms?.[lang] ?? []).forEach((term, i) => {
        if (!listed.has(term.toLowerCase()))
          ctx.addIssue({ code: 'custom', path: ['symptoms', lang, i], message: `"${term}" is not a listed phrase of any category` });
      });
    }
  });
export type RiskLexiconData = z.infer<typeof RiskLexiconFile>;
export type Severity = z.infer<typeof Severity>;

export interface LexiconHit {
  term: string;
  category: RiskCategory;
  severity: Severity;
  /** A symptom (risk.json `symptoms`): the model's reading of the cause may name the category. */
  symptom: boolean;
}

export interface LexiconScan {
  hits: LexiconHit[];
  /** Categories with a risk word that was negated ("没有被盗"): the model and the intent may not raise them. */
  vetoed: Set<RiskCategory>;
  /** The message says it is only asking or joking: these categories' listed phrases and topic intent do not count. */
  framed: ReadonlySet<RiskCategory>;
}

const NEGATION_WINDOW = 4;
const NONE_FRAMED: ReadonlySet<RiskCategory> = new Set();

/** The operator's lists, compiled: exclusions, terms, negations, per-category severity and the intent signals. */
export class RiskLexicon {
  private readonly terms: Array<LexiconHit & { latin: boolean }> = [];
  private readonly exclusions: string[];
  private readonly negations: Array<{ word: string; latin: boolean }>;
  private readonly framings: Array<{ word: string; latin: boolean }>;
  private readonly contrasts: Array<{ word: string; latin: boolean }>;
  private readonly framed: ReadonlySet<RiskCategory>;
  readonly severity: Record<RiskCategory, Severity>;

  constructor(readonly data: RiskLexiconData) {
    const symptoms = new Set([...(data.symptoms?.zh ?? []), ...(data.symptoms?.en ?? [])].map((t) => t.toLowerCase()));
    for (const [category, c] of Object.entries(data.categories) as Array<[RiskCategory, z.infer<typeof Category>]>) {
      for (const term of [...c.zh, ...c.en]) {
        const latin = isLatin(term);
        const symptom = symptoms.has(term.toLowerCase());
        for (const form of latin ? inflections(term.toLowerCase()) : [term.toLowerCase()])
          this.terms.push({ term: form, category, severity: c.severity, latin, symptom });
      }
    }
    // Longest first, so an exclusion inside a longer one cannot leave half of the longer one behind.
    this.exclusions = [...data.exclusions.zh, ...data.exclusions.en].map((e) => e.toLowerCase()).sort((a, b) => b.length - a.length);
    this.negations = wordList(data.negations);
    this.framings = wordList(data.framings);
    this.contrasts = wordList(data.framings?.contrasts);
    this.framed = new Set(data.framings?.categories ?? []);
    this.severity = Object.fromEntries(Object.entries(data.categories).map(([k, c]) => [k, c.severity])) as Record<RiskCategory, Severity>;
  }

  /** Lower case, the excluded phrases blanked out (same length, so positions still line up). */
  mask(text: string): string {
    let masked = text.toLowerCase();
    for (const e of this.exclusions) if (masked.includes(e)) masked = masked.split(e).join(' '.repeat(e.length));
    return masked;
  }

  /** The risk words in a masked text, those after a negation set aside. */
  scan(masked: string): LexiconScan {
    const hits: LexiconHit[] = [];
    const vetoed = new Set<RiskCategory>();
    for (const t of this.terms) {
      let from = 0;
      let negated = false;
      for (;;) {
        const at = masked.indexOf(t.term, from);
        if (at < 0) break;
        from = at + t.term.length;
        if (t.latin && !wordBoundary(masked, at, t.term.length)) continue;
        if (this.negated(masked, at)) {
          negated = true;
          continue;
        }
        hits.push({ term: t.term, category: t.category, severity: t.severity, symptom: t.symptom });
        negated = false;
        break;
      }
      if (negated) vetoed.add(t.category);
    }
    for (const h of hits) vetoed.delete(h.category);
    if (this.framed.size > 0 && this.isFramed(masked)) {
      return { hits: hits.filter((h) => !this.framed.has(h.category)), vetoed, framed: this.framed };
    }
    return { hits, vetoed, framed: NONE_FRAMED };
  }

  /**
   * Whether the message says it is only asking, joking or done (risk.json `framings`): a framing
   * that is not itself negated ("nothing got resolved", "还没处理好") and that no contrast follows.
   */
  private isFramed(masked: string): boolean {
    const lastContrast = Math.max(-1, ...this.contrasts.map((c) => lastWordAt(masked, c.word, c.latin)));
    return this.framings.some((f) => {
      for (let at = masked.indexOf(f.word); at >= 0; at = masked.indexOf(f.word, at + 1)) {
        if (f.latin && !wordBoundary(masked, at, f.word.length)) continue;
        if (at > lastContrast && !this.negated(masked, at)) return true;
      }
      return false;
    });
  }

  /** The category a confident topic intent stands for, if any. */
  intentSignal(intent: { intent: string; score: number }): RiskCategory | undefined {
    const signal = Object.hasOwn(this.data.intents, intent.intent) ? this.data.intents[intent.intent] : undefined;
    return signal && intent.score >= signal.minScore ? signal.category : undefined;
  }

  private negated(text: string, at: number): boolean {
    const before = text.slice(0, at);
    // Within the same clause only: a comma or full stop ends a negation's reach.
    const clause = before.split(/[,，。.!！?？;；]/).pop() ?? '';
    const words = clause.trim().split(/\s+/);
    // A Chinese negation may end inside the phrase (没被 in 钱没被盗刷 negates 被盗刷); one of a single
    // character (没, 未) only right before it: 没变质 is negated, 没意思了想死 is not.
    const tail = clause.slice(-NEGATION_WINDOW);
    const window = tail + text.charAt(at);
    const windowStart = at - tail.length; // window[i] is text[windowStart + i]
    return this.negations.some((n) => {
      // "won't stop bleeding", "can't stop the bleeding", "can't stop crying" affirm what follows.
      if (n.latin)
        return (
          !words.slice(-3).some((w) => /^(stop|stopped|quit)$/.test(w)) &&
          words.slice(-3).some((w) => w.replace(/[^a-z']/g, '') === n.word || w.endsWith("n't"))
        );
      if (n.word.length === 1) return clause.endsWith(n.word) && !isAnotA(clause, clause.length - 1);
      const i = window.lastIndexOf(n.word);
      return i >= 0 && !isAnotA(text, windowStart + i);
    });
  }
}

/**
 * Whether the negation at `at` (不 or 没 first) is the middle of an A-not-A question — 是不是, 会不会,
 * 有没有 ask, they do not deny: "是不是被骗了" is a customer fearing a scam.
 */
function isAnotA(text: string, at: number): boolean {
  const neg = text.charAt(at);
  if (neg !== '不' && neg !== '没') return false;
  const before = text.charAt(at - 1);
  const after = text.charAt(at + 1);
  return before !== '' && (before === after || (neg === '没' && before === '有'));
}

/**
 * An English phrase as listed and with its first word inflected: the operator lists "end it all",
 * the customer writes "ending it all" or "ended it all". Only a first word in its base form is
 * inflected (one that already ends in -ed, -ing or -s is left as listed).
 */
export function inflections(phrase: string): string[] {
  const [first, ...rest] = phrase.split(' ');
  if (!/^[a-z]{3,}$/.test(first) || /(ed|ing|s)$/.test(first)) return [phrase];
  const tail = rest.length ? ` ${rest.join(' ')}` : '';
  const stem = first.endsWith('e') ? first.slice(0, -1) : /[^aeiou][aeiou][bdgmnprt]$/.test(first) ? first + first.slice(-1) : first;
  const third = /(sh|ch|x|z|o)$/.test(first) ? `${first}es` : /[^aeiou]y$/.test(first) ? `${first.slice(0, -1)}ies` : `${first}s`;
  const past = /[^aeiou]y$/.test(first) ? `${first.slice(0, -1)}ied` : first.endsWith('e') ? `${first}d` : `${stem}ed`;
  return [...new Set([first, third, past, `${stem}ing`])].map((w) => w + tail);
}

/** A zh + en word list, lower-cased, each word marked Latin or not (how it is matched). */
function wordList(lists: { zh: string[]; en: string[] } | undefined): Array<{ word: string; latin: boolean }> {
  return [...(lists?.zh ?? []), ...(lists?.en ?? [])].map((w) => ({ word: w.toLowerCase(), latin: isLatin(w) }));
}

/** Where a word last occurs in the text (as a whole word when Latin), or -1. */
function lastWordAt(text: string, word: string, latin: boolean): number {
  for (let at = text.lastIndexOf(word); at >= 0; at = at === 0 ? -1 : text.lastIndexOf(word, at - 1)) {
    if (!latin || wordBoundary(text, at, word.length)) return at;
  }
  return -1;
}

function isLatin(s: string): boolean {
  return /^\p{ASCII}+$/u.test(s);
}

function wordBoundary(text: string, at: number, length: number): boolean {
  const before = at === 0 ? ' ' : text[at - 1];
  const after = at + length >= text.length ? ' ' : text[at + length];
  return !/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after);
}
