import type { Locale } from '../kernel/locale';
import { maskPersonalData } from '../kernel/pii';
import type { RiskAssessment } from '../nlu/riskTypes';
import type { Agent } from './agents';
import type { HandoffEngine } from './engine';
import { CustomerUnreachableError } from './errors';
import type { EventBus } from './events';
import type { HandoffRequest, HandoffService, HandoffTicket, SurveyService } from './handoffService';
import type { CustomerActions } from './ports';
import type { RoutingConfig } from './routing';
import type { HandoffRecord, HandoffStore, StoredReference, Survey, TransitionResult } from './store';
import type { AgentPresence, SkillGroup, TranscriptEntry } from './types';

export interface HandoffDeskDeps {
  store: HandoffStore;
  events: EventBus;
  engine: HandoffEngine;
  routing: RoutingConfig;
  clock: () => Date;
}

/** An agent's action on a handoff, and whether the customer could be told about it. */
export type AgentActionResult =
  { ok: true; handoff: HandoffRecord; customerNotified: boolean } | Extract<TransitionResult, { ok: false }> | { ok: false; error: 'unknown_agent' };

/**
 * The front door of the handoff domain. Every customer-side and agent-side transition goes
 * through here together with its transcript line and its live event, so the rule lives in one
 * place: the middleware, the worker, the customer actions and the agent API call the desk, never
 * the store or the event bus. Routing and placement are the engine's.
 */
export class HandoffDesk implements HandoffService, SurveyService {
  private customer: CustomerActions | undefined;

  constructor(private readonly deps: HandoffDeskDeps) {}

  /** The customer side is built after the desk (the bot's dialogs need the desk): connected once, at wiring. */
  connectCustomer(customer: CustomerActions): void {
    this.customer = customer;
  }

  private get reach(): CustomerActions {
    if (!this.customer) throw new Error('HandoffDesk: connectCustomer() was not called');
    return this.customer;
  }

  private now(): Date {
    return this.deps.clock();
  }

  // ── The customer's side ────────────────────────────────────────────────────────────────────

  /**
   * Records a customer activity (its reference, and its text in the transcript when it is a
   * message) and answers with the handoff that holds the conversation, if a person holds it.
   */
  async recordInbound(reference: StoredReference, shown: string | undefined): Promise<HandoffRecord | undefined> {
    const { store } = this.deps;
    const conversationId = reference.conversation.id;
    // Independent: issued together (pipelined on Redis).
    const [, , open] = await Promise.all([
      store.setReference(reference),
      shown !== undefined ? store.appendTranscript(conversationId, { at: this.now().toISOString(), speaker: 'customer', text: shown }) : undefined,
      store.openFor(conversationId),
    ]);
    return open && (open.status === 'queued' || open.status === 'assigned') ? open : undefined;
  }

  /** A message from a customer whom a person holds goes to the agent's screen. */
  async relayToAgent(held: HandoffRecord, shown: string): Promise<void> {
    await this.deps.events.publish({
      type: 'handoff.customer_message',
      handoffId: held.id,
      conversationId: held.conversationId,
      agentId: held.assignedTo,
      text: shown,
      at: this.now().toISOString(),
    });
  }

  /** A queued customer asked to be called back: the case becomes a callback ticket. False when it is no longer queued. */
  async bookCallback(held: HandoffRecord): Promise<boolean> {
    const now = this.now();
    const cb = await this.deps.store.toCallback(held.id, now.getTime());
    if (cb.ok) await this.deps.events.publish({ type: 'handoff.callback', handoffId: held.id, conversationId: held.conversationId, at: now.toISOString() });
    return cb.ok;
  }

  /** When a callback ticket's customer can expect contact, in their language. */
  callbackWithin(locale: Locale): string {
    return this.deps.engine.callbackWithin(locale);
  }

  /** Opens a handoff, or adds the reason to the one already open (HandoffService, the dialogs' seam). */
  requestHandoff(request: HandoffRequest): Promise<HandoffTicket> {
    return this.deps.engine.requestHandoff(request);
  }

  /** A high-risk hit, written to the transcript as an audit line before the handoff opens. */
  async recordRisk(conversationId: string, risk: RiskAssessment): Promise<void> {
    await this.record(conversationId, 'system', `high risk: ${risk.category ?? ''} (${risk.matched.join(', ')})`);
  }

  /** What the bot or the system told the customer, masked, in the transcript. */
  async recordOutbound(conversationId: string, text: string, speaker: 'bot' | 'system'): Promise<void> {
    await this.record(conversationId, speaker, text);
  }

  /** Arms the response deadline, unless a person already holds the conversation. */
  armDeadline(conversationId: string, dueAt: number): Promise<boolean> {
    return this.deps.store.armDeadline(conversationId, dueAt);
  }

  clearDeadline(conversationId: string): Promise<boolean> {
    return this.deps.store.clearDeadline(conversationId);
  }

  /**
   * The bot is about to answer: clears its deadline. True when the answer is late — the deadline
   * already fired (on any instance) and a person has the conversation — and must be dropped.
   */
  async answerIsLate(conversationId: string): Promise<boolean> {
    if (await this.deps.store.clearDeadline(conversationId)) return false;
    return (await this.deps.store.openFor(conversationId))?.reasons.includes('timeout') ?? false;
  }

  /**
   * A message could not reach the customer: surfaced to the agent side, never dropped. A customer
   * the channel can no longer reach (WeChat's 48-hour window) gets a callback instead.
   */
  async deliveryFailed(conversationId: string, code: string, message: string): Promise<void> {
    const { store, events } = this.deps;
    const h = await store.openFor(conversationId);
    const at = this.now().toISOString();
    await events.publish({ type: 'delivery.failed', handoffId: h?.id ?? '', conversationId, agentId: h?.assignedTo, code, message, at });
    if (h && code === 'outside_48h_window' && (h.status === 'queued' || h.status === 'assigned')) {
      const cb = await store.toCallback(h.id, this.now().getTime());
      if (cb.ok) await events.publish({ type: 'handoff.callback', handoffId: h.id, conversationId, at });
    }
  }

  /** The survey after a handoff (SurveyService); a low score flags the case for supervisors. */
  async saveSurvey(handoffId: string, survey: Survey): Promise<void> {
    const result = await this.deps.store.saveSurvey(handoffId, survey);
    if (result.ok && survey.flagged)
      await this.deps.events.publish({ type: 'survey.flagged', handoffId, conversationId: result.handoff.conversationId, at: survey.at });
  }

  // ── Timers (every instance polls; each due one is taken by exactly one) ─────────────────────

  takeDueDeadlines(now: number, limit: number): Promise<string[]> {
    return this.deps.store.takeDueDeadlines(now, limit);
  }

  takeSlaBreaches(now: number, limit: number): Promise<string[]> {
    return this.deps.store.takeSlaBreaches(now, limit);
  }

  takeDueNotices(now: number, limit: number): Promise<string[]> {
    return this.deps.store.takeDueNotices(now, limit);
  }

  reference(conversationId: string): Promise<StoredReference | undefined> {
    return this.deps.store.reference(conversationId);
  }

  /** A queued handoff past its SLA: the live warning. Undefined when it was picked up meanwhile. */
  async raiseSlaWarning(id: string): Promise<HandoffRecord | undefined> {
    const h = await this.deps.store.get(id);
    if (h?.status !== 'queued') return undefined;
    await this.deps.events.publish({
      type: 'handoff.sla_warning',
      handoffId: id,
      conversationId: h.conversationId,
      group: h.group,
      priority: h.priority,
      slaDueAt: new Date(h.slaDueAt).toISOString(),
      at: this.now().toISOString(),
    });
    return h;
  }

  /** A queue notice fell due: the handoff's place and wait, if it is still queued, and whether to offer a callback. */
  async queueStatus(id: string): Promise<{ handoff: HandoffRecord; ticket: HandoffTicket; offerCallback: boolean } | undefined> {
    const h = await this.deps.store.get(id);
    if (h?.status !== 'queued') return undefined;
    const ticket = await this.deps.engine.ticket(h, false);
    return { handoff: h, ticket, offerCallback: this.now().getTime() - h.createdAt >= this.deps.routing.maxWaitBeforeCallbackOffer };
  }

  async scheduleNextNotice(id: string): Promise<void> {
    await this.deps.store.scheduleNotice(id, this.now().getTime() + this.deps.routing.queueUpdateEvery);
  }

  // ── The agent's side ───────────────────────────────────────────────────────────────────────

  async claim(id: string, agent: Agent): Promise<AgentActionResult> {
    const result = await this.deps.engine.claim(id, agent);
    if (!result.ok) return result;
    return { ...result, customerNotified: await this.joined(result.handoff, agent) };
  }

  /** The most urgent, longest-waiting case in the agent's groups; undefined when none. */
  async claimNext(agent: Agent): Promise<{ handoff: HandoffRecord; customerNotified: boolean } | undefined> {
    const h = await this.deps.engine.claimNext(agent);
    return h ? { handoff: h, customerNotified: await this.joined(h, agent) } : undefined;
  }

  /** Checks an agent's reply against the compliance list before it may be sent. */
  checkReply(text: string): Array<{ rule: string; match: string }> {
    return this.reach.check(text);
  }

  /** Delivers an agent's reply; throws CustomerUnreachableError when the channel refuses it. */
  async reply(h: HandoffRecord, agent: Agent, text: string): Promise<void> {
    await this.reach.agentMessage(h, agent, text);
    const masked = maskPersonalData(text);
    const at = this.now().toISOString();
    await this.deps.store.appendTranscript(h.conversationId, { at, speaker: 'agent', agentId: agent.id, text: masked });
    await this.deps.events.publish({ type: 'handoff.agent_message', handoffId: h.id, conversationId: h.conversationId, agentId: agent.id, text: masked, at });
  }

  async transfer(
    id: string,
    by: Agent,
    to: { group: SkillGroup } | { agentId: string },
    note?: string,
  ): Promise<TransitionResult | { ok: false; error: 'unknown_agent' }> {
    return this.deps.engine.transfer(id, by, to, note);
  }

  async close(id: string, by: Agent, resolution: string, tags: string[]): Promise<AgentActionResult> {
    const result = await this.deps.engine.close(id, by, resolution, tags);
    if (!result.ok) return result;
    const h = result.handoff;
    await this.record(h.conversationId, 'system', `closed by ${h.assignedTo ?? 'supervisor'}: ${h.resolution ?? ''}`);
    return { ...result, customerNotified: await this.notify(() => this.reach.closed(h)) };
  }

  setPresence(agentId: string, presence: AgentPresence): Promise<void> {
    return this.deps.store.setPresence(agentId, presence);
  }

  // ── Reads for the agent API ────────────────────────────────────────────────────────────────

  get(id: string): Promise<HandoffRecord | undefined> {
    return this.deps.store.get(id);
  }

  queued(): Promise<HandoffRecord[]> {
    return this.deps.store.queued();
  }

  assigned(): Promise<HandoffRecord[]> {
    return this.deps.store.assigned();
  }

  flagged(limit: number): Promise<HandoffRecord[]> {
    return this.deps.store.flagged(limit);
  }

  presence(): Promise<Record<string, AgentPresence>> {
    return this.deps.store.presence();
  }

  loads(): Promise<Record<string, number>> {
    return this.deps.store.loads();
  }

  transcript(conversationId: string): Promise<TranscriptEntry[]> {
    return this.deps.store.transcript(conversationId);
  }

  subscribe(listener: Parameters<EventBus['subscribe']>[0]): () => void {
    return this.deps.events.subscribe(listener);
  }

  private async joined(h: HandoffRecord, agent: Agent): Promise<boolean> {
    return this.notify(async () => {
      const text = await this.reach.agentJoined(h, agent);
      await this.record(h.conversationId, 'system', text);
    });
  }

  /** Telling the customer can fail (WeChat's 48-hour window, quota); the agent's action still stands. */
  private async notify(send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      if (err instanceof CustomerUnreachableError) return false;
      throw err;
    }
  }

  private async record(conversationId: string, speaker: TranscriptEntry['speaker'], text: string): Promise<void> {
    await this.deps.store.appendTranscript(conversationId, { at: this.now().toISOString(), speaker, text: maskPersonalData(text) });
  }
}
