import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RiskCategory } from './riskTypes';
import { ConfigError } from '../kernel/configError';

/** The classes of the risk model: every risk category, and `none` for what is not a risk. */
export const RISK_CLASSES = ['none', ...RiskCategory.options] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

const Phrasing = z.string().trim().min(1).max(500);
const Phrasings = z.array(Phrasing).min(5);

const RiskCorpusBase = z
  .object({
    locale: z.enum(['zh', 'en']),
    categories: z
      .object({
        /** What is not a risk, above all what looks like one: hyperbole (饿死了), product names, questions about a topic, negations. */
        none: z.array(Phrasing).min(20),
        safety: Phrasings,
        security: Phrasings,
        legal: Phrasings,
        food_safety: Phrasings,
        abuse: Phrasings,
      })
      .strict(),
    /**
     * Everyday messages (order questions, complaints about taste, thanks, "在吗"), apart from the
     * `none` traps: extra `none` examples, and the sample the everyday false-alarm budget of
     * risk.json is measured on — with the intent corpus's phrasings alone (about 1,100 a language)
     * one sentence more or less moved a threshold.
     */
    everyday: z.array(Phrasing).max(50_000).default([]),
  })
  .strict();

/** A phrasing under two classes (or twice under one) teaches the model nothing but noise. */
function noDuplicates(corpus: z.infer<typeof RiskCorpusBase>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const lists: Array<[string, readonly string[], Array<string | number>]> = [
    ...RISK_CLASSES.map((cls): [string, readonly string[], Array<string | number>] => [cls, corpus.categories[cls], ['categories', cls]]),
    ['everyday', corpus.everyday, ['everyday']],
  ];
  for (const [name, texts, path] of lists) {
    texts.forEach((text, i) => {
      const key = text.toLowerCase().replace(/\s+/g, ' ');
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${text}" is already listed under ${first}` });
      else seen.set(key, name);
    });
  }
}

/**
 * `nlu/data/risk-corpus.<lang>.json`: labelled phrasings the risk model is trained on, edited by
 * operators like the intent corpus (`corpus.ts`).
 */
export const RiskCorpusFile = RiskCorpusBase.superRefine(noDuplicates);
export type RiskCorpusData = z.infer<typeof RiskCorpusFile>;

/** The schema of one language's file, its `locale` checked too: `riskCorpusFile('zh')` for risk-corpus.zh.json. */
export function riskCorpusFile(locale: 'zh' | 'en') {
  return RiskCorpusBase.extend({ locale: z.literal(locale) }).superRefine(noDuplicates);
}

export interface RiskCorpus {
  zh: RiskCorpusData;
  en: RiskCorpusData;
}

export interface RiskRow {
  text: string;
  category: RiskClass;
}

export function riskRows(data: RiskCorpusData): RiskRow[] {
  return RISK_CLASSES.flatMap((category) => data.categories[category].map((text) => ({ text, category })));
}

/** Reads and validates both files of a data folder (tools and tests; the bot loads them with its other content). */
export function readRiskCorpus(dir: string): RiskCorpus {
  const read = (locale: 'zh' | 'en'): RiskCorpusData => {
    const file = join(dir, `risk-corpus.${locale}.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  file ${file}: ${(err as Error).message}`);
    }
    const parsed = riskCorpusFile(locale).safeParse(raw);
    if (!parsed.success) throw ConfigError.fromZod(`file ${file}`, parsed.error);
    return parsed.data;
  };
  return { zh: read('zh'), en: read('en') };
}
