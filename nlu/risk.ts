import { z } from 'zod';
import type { RiskAssessment, RiskCategory } from './riskTypes';

const Words = z.array(z.string().trim().min(1));
const Category = z.object({ severity: z.enum(['high', 'critical']), zh: Words, en: Words }).strict();

/** `nlu/data/risk.json`: high-risk words by category and severity [000 PART02, 003 高危用戶升級機制]. */
export const RiskLexiconFile = z
  .object({
    categories: z.object({ safety: Category, security: Category, legal: Category, food_safety: Category }).strict(),
    /** Phrases containing a risk word that are not a risk (报警器 is not 报警; "killing me" is not self-harm). */
    exclusions: z.object({ zh: Words, en: Words }).strict(),
    /** A risk word shortly after one of these is negated ("没有被盗", "I'm not going to sue"). */
    negations: z.object({ zh: Words, en: Words }).strict(),
  })
  .strict();
export type RiskLexiconData = z.infer<typeof RiskLexiconFile>;

const NEGATION_WINDOW = 4;
const SEVERITY_RANK = { critical: 2, high: 1 } as const;

/** Scans every customer message, before the dialogs. */
export class RiskScanner {
  private terms: Array<{ term: string; category: RiskCategory; severity: 'high' | 'critical'; latin: boolean }> = [];
  private exclusions: string[] = [];
  private negations: Array<{ word: string; latin: boolean }> = [];

  constructor(data: RiskLexiconData) {
    this.replace(data);
  }

  /** Swaps in an edited lexicon (content reload); each scan sees the old lists or the new ones. */
  replace(data: RiskLexiconData): void {
    const terms: RiskScanner['terms'] = [];
    for (const [category, c] of Object.entries(data.categories) as Array<[RiskCategory, z.infer<typeof Category>]>) {
      for (const term of [...c.zh, ...c.en]) terms.push({ term: term.toLowerCase(), category, severity: c.severity, latin: /^\p{ASCII}+$/u.test(term) });
    }
    this.terms = terms;
    this.exclusions = [...data.exclusions.zh, ...data.exclusions.en].map((e) => e.toLowerCase());
    this.negations = [...data.negations.zh, ...data.negations.en].map((w) => ({ word: w.toLowerCase(), latin: /^\p{ASCII}+$/u.test(w) }));
  }

  scan(text: string): RiskAssessment {
    const lower = text.toLowerCase();
    // Blank out excluded phrases first, so the risk words inside them cannot match.
    let masked = lower;
    for (const e of this.exclusions) masked = masked.split(e).join(' '.repeat(e.length));
    const hits: Array<{ term: string; category: RiskCategory; severity: 'high' | 'critical' }> = [];
    for (const t of this.terms) {
      let from = 0;
      for (;;) {
        const at = masked.indexOf(t.term, from);
        if (at < 0) break;
        from = at + t.term.length;
        if (t.latin && !wordBoundary(masked, at, t.term.length)) continue;
        if (this.negated(masked, at)) continue;
        hits.push(t);
        break;
      }
    }
    if (hits.length === 0) return { level: 'none', matched: [] };
    hits.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    return { level: hits[0].severity, category: hits[0].category, matched: [...new Set(hits.map((h) => h.term))] };
  }

  private negated(text: string, at: number): boolean {
    const before = text.slice(0, at);
    // Within the same clause only: a comma or full stop ends a negation's reach.
    const clause = before.split(/[,，。.!！?？;；]/).pop() ?? '';
    const words = clause.trim().split(/\s+/);
    return this.negations.some((n) =>
      n.latin ? words.slice(-3).some((w) => w.replace(/[^a-z']/g, '') === n.word || w.endsWith("n't")) : clause.slice(-NEGATION_WINDOW).includes(n.word),
    );
  }
}

function wordBoundary(text: string, at: number, length: number): boolean {
  const before = at === 0 ? ' ' : text[at - 1];
  const after = at + length >= text.length ? ' ' : text[at + length];
  return !/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after);
}
