import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseJson } from '../kernel/json';
import { uniqueIds } from '../kernel/uniqueIds';
import type { HandoffEvent } from './events';

/** What other systems can subscribe to: the handoff's life, its survey, its SLA. */
export const WebhookEventName = z.enum([
  'handoff.opened',
  'handoff.assigned',
  'handoff.transferred',
  'handoff.closed',
  'survey.received',
  'handoff.sla_breached',
]);
export type WebhookEventName = z.infer<typeof WebhookEventName>;

export const Webhook = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, - and _'),
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
    /** The shared secret the receiver verifies X-Kefu-Signature with. */
    secret: z.string().min(32, 'at least 32 characters'),
    events: z.array(WebhookEventName).min(1),
  })
  .strict();
export type Webhook = z.infer<typeof Webhook>;

export const WebhooksFile = z
  .object({ webhooks: z.array(Webhook).max(20) })
  .strict()
  .superRefine(uniqueIds('webhooks'));

/** The webhook event a handoff event is, if any, and the fields it carries (message texts never: they stay in the transcript). */
export function webhookEventOf(e: HandoffEvent): { name: WebhookEventName; data: Record<string, unknown> } | undefined {
  const { type: _type, at: _at, ...rest } = e;
  const data = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'text'));
  switch (e.type) {
    case 'handoff.new':
      return { name: 'handoff.opened', data };
    case 'handoff.assigned':
      return { name: 'handoff.assigned', data };
    case 'handoff.transferred':
      return { name: 'handoff.transferred', data };
    case 'handoff.closed':
      return { name: 'handoff.closed', data };
    case 'survey.received':
      return { name: 'survey.received', data };
    case 'handoff.sla_warning':
      return { name: 'handoff.sla_breached', data };
    default:
      return undefined;
  }
}

/** X-Kefu-Signature: "sha256=" and the hex HMAC-SHA256 of `${timestamp}.${body}` with the webhook's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: the signature matches (compared in constant time) and the timestamp is
 * recent (a captured delivery cannot be replayed later).
 */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string, nowMs: number, toleranceS = 300): boolean {
  const t = Number(timestamp);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One delivery in the outbox: which webhook, which attempt, the exact body (so every attempt sends the same bytes). */
const Delivery = z.object({ d: z.uuid(), h: z.string(), n: z.number().int().min(1), b: z.string() }).strict();
export type Delivery = z.infer<typeof Delivery>;

export const encodeDelivery = (d: Delivery): string => JSON.stringify(d);
export function decodeDelivery(member: string): Delivery | undefined {
  const parsed = Delivery.safeParse(parseJson(member));
  return parsed.success ? parsed.data : undefined;
}

/** Seconds before attempt n+1 (after attempt n failed); after the last, the delivery is given up (and logged). */
export const WEBHOOK_BACKOFF_S = [1, 5, 30, 120, 600, 1800, 3600, 3 * 3600];
