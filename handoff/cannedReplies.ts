import { z } from 'zod';
import { uniqueIds } from '../kernel/uniqueIds';

/**
 * Canned replies: the operator's shared set (`CANNED_REPLIES_FILE`) and each agent's own. A reply may
 * hold variables the console fills from the case: {name} (the customer's name), {orderId} (the
 * first order on the packet), {agent} (the agent's name).
 */
const Text = z.string().trim().min(1).max(2000);
export const CannedReply = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, - and _'),
    title: z.string().trim().min(1).max(60),
    /** The reply in each language; the console takes the customer's. */
    text: z
      .object({ 'zh-CN': Text, en: Text })
      .partial()
      .refine((t) => t['zh-CN'] ?? t.en, 'at least one of "zh-CN" or "en"'),
  })
  .strict();
export type CannedReply = z.infer<typeof CannedReply>;

export const CannedRepliesFile = z
  .object({ replies: z.array(CannedReply).max(500) })
  .strict()
  .superRefine(uniqueIds('replies'));

/** The operator's shared set, swapped on content reload. */
export class CannedLibrary {
  constructor(private replies: readonly CannedReply[]) {}

  all(): readonly CannedReply[] {
    return this.replies;
  }

  replace(replies: readonly CannedReply[]): void {
    this.replies = replies;
  }
}

/** An agent's own replies, as the console sends them (replaces the whole set). */
export const OwnCannedReplies = z.object({ replies: z.array(CannedReply).max(100) }).strict();

/** Where each agent's own canned replies are kept (every instance and every console sees them). */
export interface OwnCannedReplyStore {
  get(agentId: string): Promise<CannedReply[]>;
  set(agentId: string, replies: CannedReply[]): Promise<void>;
}
