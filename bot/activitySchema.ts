import { z } from 'zod';

const Account = z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }).loose();

/**
 * What kefu accepts at /api/messages, checked before the CloudAdapter sees it: an activity
 * without `type` throws inside the adapter, and under Express that can become an unhandled
 * rejection. Unknown Bot Framework fields pass through untouched.
 */
export const IncomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(256).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url(),
    from: Account,
    recipient: Account,
    conversation: z.object({ id: z.string().min(1).max(256) }).loose(),
    text: z.string().max(4000, 'text longer than 4000 characters').optional(),
    locale: z.string().max(32).optional(),
    deliveryMode: z.enum(['normal', 'expectReplies', 'notification', 'ephemeral']).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    membersAdded: z.array(Account).optional(),
    timestamp: z.string().optional(),
  })
  .loose();
export type IncomingActivity = z.infer<typeof IncomingActivity>;
