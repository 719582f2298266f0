import { z } from 'zod';

const Rule = z
  .object({
    id: z.string().regex(/^[a-z_]+$/),
    source: z.string().optional(),
    phrases: z.array(z.string().trim().min(1)).default([]),
    patterns: z
      .array(
        z.string().refine((p) => {
          try {
            new RegExp(p, 'iu');
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression'),
      )
      .default([]),
    /** A match preceded (within a few characters) by one of these is a safety notice, not a request. */
    negations: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((r) => r.phrases.length + r.patterns.length > 0, 'a rule needs phrases or patterns');

/** `bot/data/compliance.json`: what no outbound message may say [001 三(三), 003 禁忌用語]. */
export const ComplianceFile = z.object({ rules: z.array(Rule).min(1) }).strict();
export type ComplianceData = z.infer<typeof ComplianceFile>;

export interface ComplianceViolation {
  rule: string;
  match: string;
}

const NEGATION_WINDOW = 12;

export class ComplianceFilter {
  private rules: ReadonlyArray<{ id: string; phrases: string[]; patterns: RegExp[]; negations: string[] }> = [];

  constructor(data: ComplianceData) {
    this.replace(data);
  }

  /** Swaps in an edited list (content reload). */
  replace(data: ComplianceData): void {
    this.rules = data.rules.map((r) => ({
      id: r.id,
      phrases: r.phrases.map((p) => p.toLowerCase()),
      patterns: r.patterns.map((p) => new RegExp(p, 'giu')),
      negations: r.negations.map((n) => n.toLowerCase()),
    }));
  }

  check(text: string): ComplianceViolation[] {
    const lower = text.toLowerCase();
    const found: ComplianceViolation[] = [];
    for (const rule of this.rules) {
      for (const phrase of rule.phrases) {
        if (lower.includes(phrase)) found.push({ rule: rule.id, match: phrase });
      }
      for (const re of rule.patterns) {
        for (const m of lower.matchAll(re)) {
          const before = lower.slice(Math.max(0, m.index - NEGATION_WINDOW), m.index + m[0].length);
          if (!rule.negations.some((n) => before.includes(n))) found.push({ rule: rule.id, match: m[0] });
        }
      }
    }
    return found;
  }
}
