import type { Storage } from 'botbuilder';
import { handoffActivities, handoffNotice } from '../dialogs/handoffNotice';
import { type ConversationProfile, toSnapshot } from '../dialogs/profile';
import { PROMPTS } from '../dialogs/prompts';
import type { HandoffDesk } from '../handoff/desk';
import type { DueQueue } from '../handoff/store';
import { normaliseLocale } from '../kernel/locale';
import type { CustomerLink } from './customerLink';
import type { Logger } from '../kernel/log';
import { Poller } from '../kernel/poller';

export interface HandoffWorkerDeps {
  desk: HandoffDesk;
  link: CustomerLink;
  /** Conversation state, to read the profile of a conversation this instance has no turn for. */
  storage: Storage;
  clock: () => Date;
  log: Logger;
  pollMs: number;
  /** How often the desk's sweep runs: presence, dispatch, the escalation chain, the agents' timers. */
  sweepMs: number;
  /** Fault tests only (KEFU_FAILPOINT_DEADLINE_PAUSE_MS): a pause between taking deadlines and handling them, the window a kill -9 must survive. */
  pauseAfterTakeMs?: number;
}

/**
 * Runs on every instance. Deadlines, SLA breaches and queue notices live in the store; each due
 * one is leased by one instance at a time and acknowledged once handled, so a timer survives the
 * death of the instance that set it — or of the one that took it — and fires once.
 */
export class HandoffWorker {
  private readonly poller: Poller;
  private ticks = 0;
  private lastSweep = 0;

  constructor(private readonly deps: HandoffWorkerDeps) {
    this.poller = new Poller(deps.pollMs, () => this.round(), deps.log, 'handoff worker tick failed');
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  tick(): Promise<void> {
    return this.poller.tick();
  }

  private async round(): Promise<void> {
    const now = this.deps.clock().getTime();
    // Drain in batches: a burst of due deadlines is not spread over many ticks.
    for (let batch = await this.deps.desk.takeDueDeadlines(now, 100); ; batch = await this.deps.desk.takeDueDeadlines(this.deps.clock().getTime(), 100)) {
      if (batch.length && this.deps.pauseAfterTakeMs) await new Promise((r) => setTimeout(r, this.deps.pauseAfterTakeMs));
      await Promise.all(batch.map((conversationId) => this.handled('deadlines', conversationId, () => this.fireTimeout(conversationId))));
      if (batch.length < 100) break;
    }
    // SLA and queue notices need less precision than the response deadline.
    if (this.ticks++ % 10 === 0) {
      for (const id of await this.deps.desk.takeSlaBreaches(now, 100)) await this.handled('sla', id, () => this.slaBreached(id));
      for (const id of await this.deps.desk.takeDueNotices(now, 100)) await this.handled('notices', id, () => this.queueNotice(id));
    }
    if (now - this.lastSweep >= this.deps.sweepMs) {
      this.lastSweep = now;
      await this.safely(() => this.deps.desk.sweep());
    }
  }

  /**
   * Runs the handler of a leased entry and acknowledges it once done. A handler that fails leaves
   * the lease to run out, and the entry is taken again (by any instance) — at least once, never lost.
   */
  private async handled(queue: DueQueue, member: string, handle: () => Promise<void>): Promise<void> {
    try {
      await handle();
      await this.deps.desk.acknowledge(queue, [member]);
    } catch (err) {
      this.deps.log.error('handoff worker: a timed entry failed; it will be retried when its lease runs out', { queue, member, error: String(err) });
    }
  }

  private async fireTimeout(conversationId: string): Promise<void> {
    const { desk, link } = this.deps;
    const reference = await desk.reference(conversationId);
    if (!reference) {
      this.deps.log.warn('response deadline fired for a conversation with no stored reference', { conversation: conversationId });
      return;
    }
    const profile = await this.readProfile(reference.channelId ?? '', conversationId);
    const locale = profile?.locale ?? normaliseLocale(typeof reference.locale === 'string' ? reference.locale : undefined) ?? 'zh-CN';
    const customerId = (reference.user as { id?: string } | undefined)?.id ?? 'unknown';
    const ticket = await desk.requestHandoff({ reference, customerId, locale, reason: 'timeout', snapshot: toSnapshot(profile) });
    await desk.recordOutbound(conversationId, handoffNotice(ticket, locale), 'system');
    await link.withTurn(reference, async (context) => {
      await context.sendActivities(handoffActivities(context, ticket, locale));
    });
    this.deps.log.info('response deadline expired: handed off', { conversation: conversationId, handoff: ticket.id });
  }

  private async slaBreached(id: string): Promise<void> {
    const h = await this.deps.desk.raiseSlaWarning(id);
    if (h) this.deps.log.warn('SLA breach: handoff not picked up in time', { alert: true, handoff: id, group: h.group, priority: h.priority });
  }

  private async queueNotice(id: string): Promise<void> {
    const { desk, link } = this.deps;
    const status = await desk.queueNotice(id);
    if (!status) return;
    const { handoff: h, ticket } = status;
    const p = PROMPTS[h.packet.locale].handoff;
    const texts: string[] = [];
    if (status.tell === 'wait') texts.push(p.positionUpdate({ ahead: Math.max(0, (ticket.position ?? 1) - 1), minutes: ticket.etaMinutes ?? 1 }));
    if (status.tell === 'nobody') texts.push(ticket.callbackOffered ? p.nobodyOnline : p.nobodyOnlineUrgent);
    if (status.offerCallback) texts.push(p.offerCallback);
    if (texts.length === 0) return;
    await link.send(
      h.reference,
      texts.map((text) => ({ type: 'message', text })),
    );
    for (const text of texts) await desk.recordOutbound(h.conversationId, text, 'system');
  }

  private async readProfile(channelId: string, conversationId: string): Promise<ConversationProfile | undefined> {
    // ConversationState's storage key; the profile is one of its properties.
    const key = `${channelId}/conversations/${conversationId}/`;
    const items = await this.deps.storage.read([key]);
    return (items[key] as { profile?: ConversationProfile } | undefined)?.profile;
  }

  private async safely(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.log.error('handoff worker task failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
}
