import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CATALOGUE_INTENTS } from './catalogue';

const Phrasing = z.string().trim().min(1).max(500);

/** `nlu/data/corpus.<lang>.json`: training phrasings per intent, edited by operators. */
export const CorpusFile = z
  .object({
    locale: z.enum(['zh', 'en']),
    // `None` holds out-of-scope examples: a trained class beside the score threshold.
    intents: z.record(z.string().regex(/^([a-z][a-z0-9_]*|None)$/, 'intent IDs are snake_case (or None for out-of-scope examples)'), z.array(Phrasing).min(5)),
    // Entity lists (couriers, payment methods…): a mention of any entry becomes one feature per list.
    entities: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'entity list names are snake_case'), z.array(z.string().trim().min(2).max(100)).min(1)).optional(),
  })
  .strict()
  .superRefine((corpus, ctx) => {
    for (const intent of CATALOGUE_INTENTS) {
      if (!(intent in corpus.intents)) {
        ctx.addIssue({ code: 'custom', path: ['intents', intent], message: `catalogue intent "${intent}" is missing` });
      }
    }
  });
export type CorpusData = z.infer<typeof CorpusFile>;

export interface Corpus {
  zh: CorpusData;
  en: CorpusData;
}

/** A stable hash of everything that shapes the trained model. */
export function modelKey(corpus: Corpus, settings: object, version: string): string {
  return createHash('sha256').update(JSON.stringify({ corpus, settings, version })).digest('hex').slice(0, 16);
}
