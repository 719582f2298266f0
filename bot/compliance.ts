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
const VERDICTS_KEPT = 2000;

export class ComplianceFilter {
  private rules: ReadonlyArray<{
    id: string;
    phrases: Array<{ shown: string; cjk: boolean; compact: string; words: RegExp }>;
    patterns: RegExp[];
    negations: string[];
  }> = [];

  /** Replies repeat (FAQ answers, prompts): the verdict on a text is remembered, up to a bound. */
  private readonly verdicts = new Map<string, ComplianceViolation[]>();

  constructor(data: ComplianceData) {
    this.replace(data);
  }

  /** Swaps in an edited list (content reload). */
  replace(data: ComplianceData): void {
    this.rules = data.rules.map((r) => ({
      id: r.id,
      phrases: r.phrases.map((p) => ({ shown: p, ...matchForm(p) })),
      patterns: r.patterns.map((p) => new RegExp(simplified(p), 'giu')),
      negations: r.negations.map((n) => normalise(n)),
    }));
    this.verdicts.clear();
  }

  /**
   * Matched on normalised text, so a space, a traditional character or a full-width letter does
   * not dodge a rule: Chinese phrases against the text with whitespace and punctuation removed,
   * Latin phrases as whole words; patterns against the normalised text.
   */
  check(text: string, verbatim: readonly string[] = []): ComplianceViolation[] {
    const key = verbatim.length ? `${text}\u0000${verbatim.join('\u0000')}` : text;
    const known = this.verdicts.get(key);
    if (known) return known.map((v) => ({ ...v }));
    const found = this.judge(text, verbatim);
    if (this.verdicts.size >= VERDICTS_KEPT) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(key, found);
    return found.map((v) => ({ ...v }));
  }

  private judge(text: string, verbatim: readonly string[]): ComplianceViolation[] {
    const asWritten = normalise(text);
    // Names the order service gave (a merchant called "最佳烧烤") and the customer's own words quoted
    // back are not the bot's claims: they are read past — except by the credential rule, which no
    // quoted name excuses.
    const withoutVerbatim = verbatim.reduce((t, v) => (v.trim() ? t.split(normalise(v)).join(' ') : t), asWritten);
    const compacts = new Map([[asWritten, compactForm(asWritten)]]);
    const found: ComplianceViolation[] = [];
    for (const rule of this.rules) {
      const normal = rule.id === 'credential_request' ? asWritten : withoutVerbatim;
      let compact = compacts.get(normal);
      if (compact === undefined) compacts.set(normal, (compact = compactForm(normal)));
      for (const phrase of rule.phrases) {
        if (phrase.cjk ? compact.includes(phrase.compact) : phrase.words.test(normal)) found.push({ rule: rule.id, match: phrase.shown });
      }
      for (const re of rule.patterns) {
        for (const m of normal.matchAll(re)) {
          const before = normal.slice(Math.max(0, m.index - NEGATION_WINDOW), m.index + m[0].length);
          if (!rule.negations.some((n) => before.includes(n))) found.push({ rule: rule.id, match: m[0] });
        }
      }
    }
    return found;
  }
}

/** Traditional characters that occur in the rules, to their simplified forms (the filter reads both). */
const TRADITIONAL: Record<string, string> = Object.fromEntries(
  // Every character here is one UTF-16 unit (CJK basic plane), so indexing pairs them up.
  Array.from('請驗證碼與們這責題術門沒辦關歸規則從來絕對頂級網價將發給麼傳個電話帳號務讓說對應該話還幫動態簡訊碼輸入報語錯誤別問題敏感', (c, i) => [
    c,
    '请验证码与们这责题术门没办关归规则从来绝对顶级网价将发给么传个电话账号务让说对应该话还帮动态简讯码输入报语错误别问题敏感'[i],
  ]),
);

/** Only the listed characters: a callback per listed character, not per Chinese character. */
const TRADITIONAL_CHARS = new RegExp(`[${Object.keys(TRADITIONAL).join('')}]`, 'g');

function simplified(text: string): string {
  return text.replace(TRADITIONAL_CHARS, (c) => TRADITIONAL[c] ?? c);
}

/** Full-width to half-width (NFKC), traditional to simplified, lower case, runs of whitespace as one space. */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(TRADITIONAL_CHARS, (c) => TRADITIONAL[c] ?? c)
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Without whitespace and punctuation: "这不是我们 的责任" and "这不是我们的责任" are one phrase. */
function compactForm(normal: string): string {
  return normal.replace(/[\s\p{P}\p{S}]/gu, '');
}

function matchForm(phrase: string): { cjk: boolean; compact: string; words: RegExp } {
  const normal = normalise(phrase);
  const escaped = normal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  return { cjk: /[\u4e00-\u9fff]/.test(normal), compact: compactForm(normal), words: new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu') };
}
