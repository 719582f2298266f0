import { z } from 'zod';
import type { Locale } from '../kernel/locale';
import type { RiskAssessment, RiskCategory } from '../nlu/riskTypes';

const Texts = z.strictObject({ zh: z.string().min(1).max(600), en: z.string().min(1).max(600) });
const Phrases = z.strictObject({ zh: z.array(z.string().min(1).max(40)).max(200), en: z.array(z.string().min(1).max(60)).max(200) });
const Handling = z.strictObject({
  reply: Texts,
  /** After the agent closes: a survey, or not (never after a self-harm conversation). */
  survey: z.boolean(),
  /** What the customer hears when the agent closes, instead of the usual goodbye. */
  closed: Texts.optional(),
});
const Variant = Handling.extend({ name: z.string().regex(/^[a-z_]{1,40}$/), when: Phrases });

const Category = Handling.extend({ variants: z.array(Variant).max(20).optional() });

/** `nlu/data/risk-handling.json`: what the customer is told the moment a high-risk message is caught, per category. */
export const RiskHandlingFile = z.strictObject({
  $comment: z.string().optional(),
  categories: z.strictObject({ safety: Category, security: Category, legal: Category, food_safety: Category, abuse: Category } satisfies Record<
    RiskCategory,
    typeof Category
  >),
});
export type RiskHandlingData = z.infer<typeof RiskHandlingFile>;
export type RiskResponse = z.infer<typeof Handling> & { name: string };

/**
 * Chooses the handling for a caught message: the category's, or a variant's when the message
 * (or the words that matched) says more — self-harm within safety. Operators edit the file.
 */
export class RiskHandling {
  constructor(private data: RiskHandlingData) {}

  replace(data: RiskHandlingData): void {
    this.data = data;
  }

  for(risk: RiskAssessment, text: string): RiskResponse | undefined {
    if (risk.level === 'none' || !risk.category) return undefined;
    const category = this.data.categories[risk.category];
    const named = risk.handling && category.variants?.find((v) => v.name === risk.handling);
    if (named) return named;
    const haystack = `${text} ${risk.matched.join(' ')}`.toLowerCase();
    const variant = category.variants?.find((v) => [...v.when.zh, ...v.when.en].some((p) => haystack.includes(p.toLowerCase())));
    return variant ?? { ...category, name: risk.category };
  }

  reply(risk: RiskAssessment, text: string, locale: Locale): string | undefined {
    const h = this.for(risk, text);
    return h && (locale === 'en' ? h.reply.en : h.reply.zh);
  }

  /** Every text of the file with where it is, for the compliance check at start-up. */
  texts(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [c, h] of Object.entries(this.data.categories)) {
      const add = (where: string, t: { zh: string; en: string } | undefined) => {
        if (t) out.push([`${where}.zh`, t.zh], [`${where}.en`, t.en]);
      };
      add(`categories.${c}.reply`, h.reply);
      add(`categories.${c}.closed`, h.closed);
      h.variants?.forEach((v, i) => {
        add(`categories.${c}.variants.${String(i)}.reply`, v.reply);
        add(`categories.${c}.variants.${String(i)}.closed`, v.closed);
      });
    }
    return out;
  }
}
