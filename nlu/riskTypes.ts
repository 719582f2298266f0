import { z } from 'zod';

/** What the high-risk scan decides; owned by the NLU, carried by the context packet. */
export const RiskCategory = z.enum(['safety', 'security', 'legal', 'food_safety', 'abuse']);
export type RiskCategory = z.infer<typeof RiskCategory>;
export const RiskLevel = z.enum(['none', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;
/** Which signal decided: the operator's word list, the trained model, or the topic intent. */
export const RiskSource = z.enum(['lexicon', 'model', 'intent']);
export type RiskSource = z.infer<typeof RiskSource>;

export const RiskAssessment = z.object({
  level: RiskLevel,
  category: RiskCategory.optional(),
  matched: z.array(z.string()),
  /** 0..1: 1 for a lexicon hit, the model's risk probability, or the intent's score. Absent in packets stored before it existed. */
  score: z.number().min(0).max(1).optional(),
  source: RiskSource.optional(),
  /** The handling the customer was given (a variant of the category, e.g. self_harm), so the close follows it too. */
  handling: z.string().max(40).optional(),
  /** The customer's messages (masked) that the decision read: the newest, or it and the ones before it. */
  evidence: z.array(z.string().max(500)).max(5).optional(),
});
export type RiskAssessment = z.infer<typeof RiskAssessment>;

/** What `RiskScanner.scan` returns: an assessment with its score and source always set. */
export type RiskScan = RiskAssessment & { score: number; source: RiskSource };
