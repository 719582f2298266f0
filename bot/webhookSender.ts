import { randomUUID } from 'node:crypto';
import { onPublished, type EventBus } from '../handoff/events';
import type { HandoffStore } from '../handoff/store';
import { decodeDelivery, encodeDelivery, signWebhook, WEBHOOK_BACKOFF_S, webhookEventOf, type Webhook } from '../handoff/webhooks';
import type { Logger } from '../kernel/log';
import { Poller } from '../kernel/poller';

/** The store's durable, leased timer queue for deliveries (entries survive a restart; a taken one not acknowledged is taken again). */
export interface WebhookOutbox {
  schedule(member: string, at: number): Promise<void>;
  take(now: number, limit: number): Promise<string[]>;
  acknowledge(members: readonly string[]): Promise<void>;
}

/** The outbox as the store keeps it: the durable timer queue of kind `webhook`. */
export function storeOutbox(store: Pick<HandoffStore, 'scheduleTimer' | 'takeDueTimers' | 'acknowledge'>): WebhookOutbox {
  return {
    schedule: (member, at) => store.scheduleTimer('webhook', member, at, false),
    take: (now, limit) => store.takeDueTimers('webhook', now, limit),
    acknowledge: (members) => store.acknowledge('webhook', members),
  };
}

/**
 * Puts a delivery in the outbox for every configured webhook that wants the event, as the event is
 * published (by the instance that made the transition: once).
 */
export function withWebhooks(bus: EventBus, hooks: readonly Webhook[], outbox: WebhookOutbox, clock: () => Date): EventBus {
  if (hooks.length === 0) return bus;
  return onPublished(bus, async (event) => {
    const mapped = webhookEventOf(event);
    if (!mapped) return;
    for (const hook of hooks.filter((h) => h.events.includes(mapped.name))) {
      const id = randomUUID();
      const body = JSON.stringify({ id, event: mapped.name, at: event.at, data: mapped.data });
      await outbox.schedule(encodeDelivery({ d: id, h: hook.id, n: 1, b: body }), clock().getTime());
    }
  });
}

/**
 * Sends the outbox's due deliveries, signed: X-Kefu-Signature (HMAC-SHA256 over `timestamp.body`),
 * X-Kefu-Timestamp, X-Kefu-Delivery (the same on every attempt: the receiver dedupes on it),
 * X-Kefu-Event. A 2xx ends the delivery; anything else is tried again after WEBHOOK_BACKOFF_S —
 * the next attempt is in the outbox before this one is acknowledged, so at least once, never lost.
 */
export class WebhookSender {
  private readonly poller: Poller;
  private readonly byId: Map<string, Webhook>;

  constructor(private readonly deps: { hooks: readonly Webhook[]; outbox: WebhookOutbox; clock: () => Date; log: Logger; pollMs: number; timeoutMs?: number }) {
    this.byId = new Map(deps.hooks.map((h) => [h.id, h]));
    this.poller = new Poller(deps.pollMs, () => this.deliverDue(), deps.log, 'webhook outbox unavailable');
  }

  start(): void {
    if (this.deps.hooks.length > 0) this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  tick(): Promise<void> {
    return this.poller.tick();
  }

  private async deliverDue(): Promise<void> {
    const due = await this.deps.outbox.take(this.deps.clock().getTime(), 20);
    await Promise.all(due.map((member) => this.attempt(member)));
  }

  private async attempt(member: string): Promise<void> {
    const delivery = decodeDelivery(member);
    const hook = delivery && this.byId.get(delivery.h);
    if (!delivery || !hook) {
      // A webhook removed from the configuration, or an entry that does not parse: nothing to send it to.
      this.deps.log.warn('webhook delivery dropped: unknown webhook', { webhook: delivery?.h });
      return this.deps.outbox.acknowledge([member]);
    }
    const timestamp = String(Math.floor(this.deps.clock().getTime() / 1000));
    const event = (JSON.parse(delivery.b) as { event: string }).event;
    let outcome: string;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kefu-event': event,
          'x-kefu-delivery': delivery.d,
          'x-kefu-timestamp': timestamp,
          'x-kefu-signature': signWebhook(hook.secret, timestamp, delivery.b),
        },
        body: delivery.b,
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 5000),
        redirect: 'manual',
      });
      await res.body?.cancel();
      if (res.ok) {
        await this.deps.outbox.acknowledge([member]);
        return;
      }
      outcome = `HTTP ${String(res.status)}`;
    } catch (err) {
      outcome = err instanceof Error ? err.message : String(err);
    }
    const wait = WEBHOOK_BACKOFF_S.at(delivery.n - 1);
    if (wait === undefined) {
      this.deps.log.error('webhook delivery given up', { webhook: hook.id, delivery: delivery.d, event, attempts: delivery.n, outcome });
    } else {
      this.deps.log.warn('webhook delivery failed, retrying', { webhook: hook.id, delivery: delivery.d, event, attempt: delivery.n, outcome, retryInS: wait });
      await this.deps.outbox.schedule(encodeDelivery({ ...delivery, n: delivery.n + 1 }), this.deps.clock().getTime() + wait * 1000);
    }
    await this.deps.outbox.acknowledge([member]);
  }
}
