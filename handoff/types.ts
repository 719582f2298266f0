import { z } from 'zod';

/** Why the bot stepped aside; recorded with every handoff (../shared/DESIGN.md §Handoff). */
export const HandoffReason = z.enum(['requested', 'timeout', 'high_risk', 'nlu_fallback', 'identity_failed']);
export type HandoffReason = z.infer<typeof HandoffReason>;

export const Priority = z.enum(['urgent', 'high', 'normal']);
export type Priority = z.infer<typeof Priority>;
/** Lower is more urgent; queues sort by rank, then by waiting time. */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };
/** A queued handoff's place in its group's queue: priority first, then age (the Redis queues' score; the Lua scripts compute the same). */
export const queueScore = (priority: Priority, createdAt: number): number => PRIORITY_RANK[priority] * 1e13 + createdAt;
export const PRIORITIES_BY_RANK: readonly Priority[] = ['urgent', 'high', 'normal'];

export const SkillGroup = z.enum(['general', 'orders', 'payments', 'after_sales', 'food_safety', 'security', 'safety', 'escalation']);
export type SkillGroup = z.infer<typeof SkillGroup>;

export const HandoffStatus = z.enum(['queued', 'assigned', 'callback', 'closed']);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

export const AgentPresence = z.enum(['online', 'away', 'offline']);
export type AgentPresence = z.infer<typeof AgentPresence>;

/** Who wrote a transcript line. `note` (an agent's internal note) and `whisper` (a supervisor to the agent) never reach the customer. */
export const Speaker = z.enum(['customer', 'bot', 'agent', 'system', 'note', 'whisper']);
export type Speaker = z.infer<typeof Speaker>;

/** A file the customer sent: its type, where it can be fetched, its name. */
export const TranscriptAttachment = z.object({ contentType: z.string().max(100), url: z.string().max(2000), name: z.string().max(200).optional() });
export type TranscriptAttachment = z.infer<typeof TranscriptAttachment>;

/** One line of the conversation, personal data already masked. */
export const TranscriptEntry = z.object({
  at: z.string(),
  speaker: Speaker,
  text: z.string(),
  agentId: z.string().optional(),
  /** What a system line told the customer about the people on the case: so each is said once. */
  mark: z.enum(['joined', 'requeued', 'transferred']).optional(),
  attachments: z.array(TranscriptAttachment).max(10).optional(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;
