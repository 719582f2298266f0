import { z } from 'zod';

/** What the high-risk scan decides; owned by the NLU, carried by the context packet. */
export const RiskCategory = z.enum(['safety', 'security', 'legal', 'food_safety']);
export type RiskCategory = z.infer<typeof RiskCategory>;
export const RiskLevel = z.enum(['none', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const RiskAssessment = z.object({
  level: RiskLevel,
  category: RiskCategory.optional(),
  matched: z.array(z.string()),
});
export type RiskAssessment = z.infer<typeof RiskAssessment>;
