import type { Locale } from '../kernel/locale';
import { maskPersonalData } from '../kernel/pii';
import type { RiskAssessment } from '../nlu/riskTypes';
import type { Agent, AgentDirectory } from './agents';
import { Dispatcher, acceptMember, type Assignment } from './dispatcher';
import { floorStats, type FloorStats } from './floorStats';
import { HandoffEngine, noticeMember, parseNoticeMember, told } from './engine';
import { CustomerUnreachableError } from './errors';
import type { EventBus } from './events';
import type { HandoffRequest, HandoffService, HandoffTicket, SurveyService } from './handoffService';
import type { CustomerActions } from './ports';
import type { RoutingConfig } from './routing';
import type { DueQueue, HandoffRecord, HandoffStore, QueueRead, QueueStats, StoredReference, Survey, TransitionResult } from './store';
import type { AgentPresence, Priority, SkillGroup, TranscriptAttachment, TranscriptEntry } from './types';

export interface HandoffDeskDeps {
  store: HandoffStore;
  events: EventBus;
  engine: HandoffEngine;
  agents: AgentDirectory;
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
/** The member of an `agentReply` timer: the handoff and the stage (1 warn, 2 reassign). */
const replyMember = (handoffId: string, stage: 1 | 2): string => `${handoffId}|${stage}`;
/** The member of a `customerIdle` timer: the handoff and the stage (1 remind, 2 close). */
const idleMember = (handoffId: string, stage: 1 | 2): string => `${handoffId}|${stage}`;
/** The stuck handoffs one escalation check reads: more than the agents online could take at once. */
const STUCK_READ_AT_ONCE = 100;

export class HandoffDesk implements HandoffService, SurveyService {
  private customer: CustomerActions | undefined;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly deps: HandoffDeskDeps) {
    this.dispatcher = new Dispatcher(deps);
  }

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
   * message) and answers with the handoff that holds the conversation, if a person holds it. Given
   * `deadlineAt`, the bot's response deadline is armed in the same step when nobody holds it
   * (`armed`): the caller clears it if the bot is not going to answer.
   */
  async recordInbound(
    reference: StoredReference,
    shown: string | undefined,
    options: { attachments?: TranscriptAttachment[]; deadlineAt?: number } = {},
  ): Promise<{ held: HandoffRecord | undefined; armed: boolean }> {
    const { store } = this.deps;
    const conversationId = reference.conversation.id;
    const attachments = options.attachments ?? [];
    const entry: TranscriptEntry | undefined =
      shown !== undefined ? { at: this.now().toISOString(), speaker: 'customer', text: shown, ...(attachments.length ? { attachments } : {}) } : undefined;
    // Independent: issued together (pipelined on Redis), two commands for the four things asked.
    const [, { open, armed }] = await Promise.all([store.recordCustomer(reference, entry), store.openOrArm(conversationId, options.deadlineAt)]);
    const held = open && (open.status === 'queued' || open.status === 'assigned') ? open : undefined;
    return { held, armed };
  }

  /** The handoff holding the conversation (queued or assigned), if any: for a message already recorded. */
  async heldFor(conversationId: string): Promise<HandoffRecord | undefined> {
    const open = await this.deps.store.openFor(conversationId);
    return open && (open.status === 'queued' || open.status === 'assigned') ? open : undefined;
  }

  /**
   * A message from a customer whom a person holds goes to the agent's screen. Held by an agent, it
   * also moves two clocks, before the event leaves (a crash after it loses no clock).
   */
  async relayToAgent(held: HandoffRecord, shown: string): Promise<void> {
    if (held.status === 'assigned') {
      const { store } = this.deps;
      const now = this.now().getTime();
      // All three sent together. The two customerIdle commands share a key, so one connection even
      // on a Cluster: still applied in this order.
      await Promise.all([
        // The customer spoke: their silence clock starts again.
        store.cancelTimers('customerIdle', [idleMember(held.id, 2)]),
        store.scheduleTimer('customerIdle', idleMember(held.id, 1), now + this.deps.routing.dispatch.customerIdleAfter, false),
        // The agent owes an answer: the first unanswered message starts the clock, later ones do not push it back.
        store.scheduleTimer('agentReply', replyMember(held.id, 1), now + this.replyTimeout(held.priority), true),
      ]);
    }
    await this.deps.events.publish({
      type: 'handoff.customer_message',
      handoffId: held.id,
      conversationId: held.conversationId,
      agentId: held.assignedTo,
      text: shown,
      at: this.now().toISOString(),
    });
  }

  /** The customer is typing: the agent holding the chat hears it (a live event only, never stored). */
  async customerTyping(conversationId: string): Promise<void> {
    const held = await this.heldFor(conversationId);
    if (held?.status !== 'assigned') return;
    await this.deps.events.publish({
      type: 'handoff.customer_typing',
      handoffId: held.id,
      conversationId,
      agentId: held.assignedTo,
      at: this.now().toISOString(),
    });
  }

  /** A queued customer asked to be called back: the case becomes a callback ticket. Undefined when it is no longer queued. */
  async bookCallback(held: HandoffRecord): Promise<HandoffRecord | undefined> {
    if (HandoffEngine.neverParked(held)) return undefined; // an urgent case waits for a person, it is not deferred
    const cb = await this.deps.engine.toCallback(held);
    return cb.ok ? cb.handoff : undefined;
  }

  /** The conversation's callback ticket, while it waits for (or is held for) the call. */
  async openCallbackTicket(conversationId: string): Promise<HandoffRecord | undefined> {
    const open = await this.deps.store.openFor(conversationId);
    return open?.callback && open.status !== 'closed' ? open : undefined;
  }

  /** The number a callback ticket's customer gave: kept whole on the ticket, masked in the transcript. */
  async setCallbackPhone(ticket: HandoffRecord, phone: string): Promise<boolean> {
    const set = await this.deps.store.setCallbackPhone(ticket.id, phone);
    if (set.ok) await this.record(ticket.conversationId, 'system', `callback number given: ${maskPersonalData(phone)}`);
    return set.ok;
  }

  /** When a callback ticket's customer can expect contact, in their language. */
  callbackWithin(locale: Locale): string {
    return this.deps.engine.callbackWithin(locale);
  }

  /** Opens a handoff, or adds the reason to the one already open (HandoffService, the dialogs' seam). */
  async requestHandoff(request: HandoffRequest): Promise<HandoffTicket> {
    const { engine, store } = this.deps;
    const opened = await engine.open(request);
    let handoff = opened.handoff;
    if (handoff.status === 'queued') {
      // The customer learns of their own assignment from this turn's reply; others assigned now are told proactively.
      await this.dispatch({ quiet: handoff.id });
      handoff = (await store.get(handoff.id)) ?? handoff;
      if (handoff.status === 'queued') handoff = await engine.park(handoff);
    }
    return engine.ticket(handoff, opened.created, request.reason);
  }

  /** Runs the dispatcher and tells each assigned customer that a person has joined. */
  async dispatch(options: { exclude?: readonly string[]; quiet?: string } = {}): Promise<Assignment[]> {
    const assigned = await this.dispatcher.dispatch(options);
    for (const a of assigned) if (a.handoff.id !== options.quiet) await this.joined(a.handoff, a.agent);
    return assigned;
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
    if (h && code === 'outside_48h_window' && (h.status === 'queued' || h.status === 'assigned')) await this.deps.engine.toCallback(h);
  }

  /** The survey after a handoff (SurveyService); a low score flags the case for supervisors. */
  async saveSurvey(handoffId: string, survey: Survey): Promise<void> {
    // The comment is shown to supervisors: personal data in it is masked like any transcript line.
    const result = await this.deps.store.saveSurvey(
      handoffId,
      survey.comment === undefined ? survey : { ...survey, comment: maskPersonalData(survey.comment) },
    );
    if (!result.ok) return;
    const conversationId = result.handoff.conversationId;
    await this.deps.events.publish({
      type: 'survey.received',
      handoffId,
      conversationId,
      scores: { ...survey.scores },
      flagged: survey.flagged,
      at: survey.at,
    });
    if (survey.flagged) await this.deps.events.publish({ type: 'survey.flagged', handoffId, conversationId, at: survey.at });
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

  /** A taken timed entry was handled: its lease ends (otherwise it is taken again when the lease runs out). */
  acknowledge(queue: DueQueue, members: readonly string[]): Promise<void> {
    return this.deps.store.acknowledge(queue, members);
  }

  reference(conversationId: string): Promise<StoredReference | undefined> {
    return this.deps.store.reference(conversationId);
  }

  /** A queued handoff (or a callback ticket) past its SLA: the live warning. Undefined when it was picked up meanwhile. */
  async raiseSlaWarning(id: string): Promise<HandoffRecord | undefined> {
    const h = await this.deps.store.get(id);
    if (h?.status !== 'queued' && h?.status !== 'callback') return undefined;
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

  /**
   * A queue notice fell due. Told again only when something changed materially — the place
   * halved or moved by three, the wait moved by two minutes and a third, somebody came online or
   * everybody left — or, once, when the wait grew long enough to offer a callback (never for urgent
   * or high-risk cases). Undefined when the handoff is no longer queued.
   */
  async queueNotice(
    member: string,
  ): Promise<{ handoff: HandoffRecord; ticket: HandoffTicket; tell: 'nothing' | 'wait' | 'nobody'; offerCallback: boolean } | undefined> {
    const last = parseNoticeMember(member);
    const h = await this.deps.store.get(last.id);
    if (h?.status !== 'queued') return undefined;
    const ticket = await this.deps.engine.ticket(h, false);
    const position = ticket.position ?? 1;
    const eta = ticket.etaMinutes ?? 0;
    let tell: 'nothing' | 'wait' | 'nobody' = 'nothing';
    if (ticket.nobodyOnline) tell = last.nobody ? 'nothing' : 'nobody';
    else if (last.nobody || last.position === undefined || last.eta === undefined) tell = 'wait';
    else if (position <= last.position / 2 || last.position - position >= 3) tell = 'wait';
    else if (Math.abs(eta - last.eta) >= 2 && Math.abs(eta - last.eta) >= last.eta / 3) tell = 'wait';
    const waited = this.now().getTime() - h.createdAt;
    const offerCallback = !last.offered && ticket.callbackOffered === true && waited >= this.deps.routing.maxWaitBeforeCallbackOffer;
    const keep = tell === 'nothing' ? (last.nobody ? 'n' : `p${last.position ?? 0}e${last.eta ?? 0}`) : told(ticket);
    await this.deps.store.scheduleNotice(
      noticeMember(h.id, `${keep}${last.offered || offerCallback ? 'o' : ''}`),
      this.now().getTime() + this.deps.routing.queueUpdateEvery,
    );
    return { handoff: h, ticket, tell, offerCallback };
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

  /** Delivers an agent's reply; throws CustomerUnreachableError when the channel refuses it. An answer also accepts the chat. */
  async reply(h: HandoffRecord, agent: Agent, text: string): Promise<void> {
    await this.reach.agentMessage(h, agent, text);
    await Promise.all([
      this.deps.store.cancelTimers('agentReply', [replyMember(h.id, 1), replyMember(h.id, 2)]),
      this.deps.store.cancelTimers('accept', [acceptMember(h.id, agent.id)]),
      this.deps.store.cancelTimers('customerIdle', [idleMember(h.id, 2)]),
    ]);
    // Now the customer owes an answer: their silence clock runs from here.
    await this.deps.store.scheduleTimer('customerIdle', idleMember(h.id, 1), this.now().getTime() + this.deps.routing.dispatch.customerIdleAfter, false);
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
    const result = await this.deps.engine.transfer(id, by, to, note);
    if (!result.ok) return result;
    // The customer hears once, in their language, that someone else takes the case (and need not repeat anything).
    const target = 'group' in to ? to : { agent: this.deps.agents.get(to.agentId) ?? by };
    await this.notify(result.handoff, async () => {
      const text = await this.reach.transferred(result.handoff, target);
      await this.record(result.handoff.conversationId, 'system', text, { mark: 'transferred' });
    });
    // The agent's slot is free, and a chat sent to a group waits in its queue: dispatch — but never back to its sender now.
    await this.dispatch({ exclude: [by.id] });
    return result;
  }

  /** An internal note on the case: kept with the transcript for every later agent, never sent to the customer. */
  async addNote(h: HandoffRecord, by: Agent, text: string): Promise<void> {
    await this.aside(h, by, 'note', text);
  }

  /** A supervisor's whisper to the agent holding the case: only agents see it. */
  async whisper(h: HandoffRecord, by: Agent, text: string): Promise<void> {
    await this.aside(h, by, 'whisper', text);
  }

  private async aside(h: HandoffRecord, by: Agent, kind: 'note' | 'whisper', text: string): Promise<void> {
    const masked = maskPersonalData(text);
    const at = this.now().toISOString();
    await this.deps.store.appendTranscript(h.conversationId, { at, speaker: kind, agentId: by.id, text: masked });
    await this.deps.events.publish({
      type: 'handoff.note',
      handoffId: h.id,
      conversationId: h.conversationId,
      agentId: h.assignedTo,
      by: by.id,
      kind,
      text: masked,
      at,
    });
  }

  /** A supervisor takes the conversation over: the agent holding it is told, the customer hears who joined. */
  async bargeIn(id: string, supervisor: Agent): Promise<AgentActionResult> {
    const before = await this.deps.store.get(id);
    if (!before) return { ok: false, error: 'not_found' };
    const result = await this.deps.engine.transfer(id, supervisor, { agentId: supervisor.id }, `taken over by ${supervisor.id}`);
    if (!result.ok) return result;
    if (before.assignedTo && before.assignedTo !== supervisor.id) {
      await this.deps.events.publish({
        type: 'handoff.barged',
        handoffId: id,
        conversationId: before.conversationId,
        agentId: before.assignedTo,
        by: supervisor.id,
        at: this.now().toISOString(),
      });
    }
    return { ...result, customerNotified: await this.joined(result.handoff, supervisor) };
  }

  /** The agent has the chat on screen (a dispatched chat is offered until accepted: ring-no-answer). */
  async accept(h: HandoffRecord, agent: Agent): Promise<void> {
    await this.deps.store.cancelTimers('accept', [acceptMember(h.id, agent.id)]);
  }

  async close(id: string, by: Agent, resolution: string, tags: string[]): Promise<AgentActionResult> {
    const result = await this.deps.engine.close(id, by, resolution, tags);
    if (!result.ok) return result;
    const h = result.handoff;
    await this.dispatch(); // a slot is free: the next customer first, the paperwork after
    await this.record(h.conversationId, 'system', `closed by ${h.assignedTo ?? 'supervisor'}: ${h.resolution ?? ''}`);
    if (h.assignedAt !== undefined) await this.deps.store.recordHandleTime(h.group, this.now().getTime() - h.assignedAt, this.deps.routing.avgHandleTime);
    await this.deps.store.cancelTimers('agentReply', [replyMember(h.id, 1), replyMember(h.id, 2)]);
    const customerNotified = await this.notify(h, () => this.reach.closed(h));
    return { ...result, customerNotified };
  }

  /** An agent sets their presence: online brings them work at once; offline gives their chats back to the queue at once. */
  async setPresence(agentId: string, presence: AgentPresence): Promise<void> {
    const now = this.now();
    await Promise.all([this.deps.store.setPresence(agentId, presence), this.deps.store.touchAgent(agentId, now.getTime())]);
    await this.deps.events.publish({ type: 'agent.presence', agentId, presence, why: 'set', at: now.toISOString() });
    if (presence === 'offline') await this.requeueAll(agentId, 'offline');
    if (presence === 'online') await this.dispatch();
  }

  /** The agent's console is alive. */
  heartbeat(agentId: string): Promise<void> {
    return this.deps.store.touchAgent(agentId, this.now().getTime());
  }

  // ── The sweep (every instance, every few hundred ms): presence, dispatch, escalation, agent timers ──

  private sweeps = 0;

  async sweep(): Promise<void> {
    await this.markSilentAgentsAway();
    await this.fireAgentTimers();
    await this.dispatch();
    // Reading the whole queue costs more: the escalation chain is checked every fifth sweep.
    if (this.sweeps++ % 5 === 0) await this.escalateStuck();
  }

  private async markSilentAgentsAway(): Promise<void> {
    const { store, routing } = this.deps;
    const [presence, seen] = await Promise.all([store.presence(), store.lastSeen()]);
    const now = this.now();
    for (const [agentId, state] of Object.entries(presence)) {
      if (state !== 'online' || now.getTime() - (seen[agentId] ?? 0) <= routing.dispatch.awayAfter) continue;
      await store.setPresence(agentId, 'away');
      await this.deps.events.publish({ type: 'agent.presence', agentId, presence: 'away', why: 'heartbeat_lost', at: now.toISOString() });
      await this.requeueAll(agentId, 'away');
    }
  }

  private async fireAgentTimers(): Promise<void> {
    const { store } = this.deps;
    const now = this.now().getTime();
    // Each entry is leased when taken and acknowledged once handled: an instance that dies midway leaves it to the next.
    for (const member of await store.takeDueTimers('accept', now, 100)) {
      await this.ringNoAnswer(member);
      await store.acknowledge('accept', [member]);
    }
    for (const member of await store.takeDueTimers('customerIdle', now, 100)) {
      const [id = '', stage = ''] = member.split('|');
      await this.customerIdle(id, stage === '2' ? 2 : 1);
      await store.acknowledge('customerIdle', [member]);
    }
    for (const member of await store.takeDueTimers('agentReply', now, 100)) {
      await this.agentReplyDue(member);
      await store.acknowledge('agentReply', [member]);
    }
  }

  private async ringNoAnswer(member: string): Promise<void> {
    const { store } = this.deps;
    const [id = '', agentId = ''] = member.split('|');
    const back = await this.requeue(id, agentId, 'not_accepted');
    if (!back) return;
    // Ring-no-answer: whoever did not pick up is not offered the next one either.
    await store.setPresence(agentId, 'away');
    await this.deps.events.publish({ type: 'agent.presence', agentId, presence: 'away', why: 'not_accepted', at: this.now().toISOString() });
    await this.dispatch({ exclude: [agentId] });
  }

  private async agentReplyDue(member: string): Promise<void> {
    const { store } = this.deps;
    const [id = '', stage = ''] = member.split('|');
    const h = await store.get(id);
    if (h?.status !== 'assigned' || !h.assignedTo) return;
    if (stage === '1') {
      const timeout = this.replyTimeout(h.priority);
      await this.deps.events.publish({
        type: 'handoff.agent_slow',
        handoffId: id,
        conversationId: h.conversationId,
        agentId: h.assignedTo,
        waitingSeconds: Math.round(timeout / 1000),
        at: this.now().toISOString(),
      });
      await store.scheduleTimer('agentReply', replyMember(id, 2), this.now().getTime() + timeout, true);
    } else if (await this.requeue(id, h.assignedTo, 'not_answered')) {
      await this.dispatch({ exclude: [h.assignedTo] });
    }
  }

  /** The customer went quiet while a person held the chat: one reminder, then the chat closes as customer_idle. */
  private async customerIdle(id: string, stage: 1 | 2): Promise<void> {
    const { store, agents, routing } = this.deps;
    const h = await store.get(id);
    if (h?.status !== 'assigned' || !h.assignedTo) return;
    if (stage === 1) {
      await this.notify(h, async () => {
        await this.record(h.conversationId, 'system', await this.reach.idleReminder(h));
      });
      await store.scheduleTimer('customerIdle', idleMember(id, 2), this.now().getTime() + routing.dispatch.customerIdleAfter, false);
      return;
    }
    const holder = agents.get(h.assignedTo);
    if (!holder) return;
    const result = await this.deps.engine.close(id, holder, 'customer_idle', ['customer_idle']);
    if (!result.ok) return;
    await this.record(h.conversationId, 'system', 'closed: the customer stopped replying (customer_idle)');
    await store.cancelTimers('agentReply', [replyMember(id, 1), replyMember(id, 2)]);
    await this.notify(h, () => this.reach.closedIdle(result.handoff, routing.dispatch.surveyAfterIdle));
    await this.dispatch();
  }

  /** Urgent and high-risk cases nobody with the skill took in time: the supervisors online, then anyone online [003 三秒响应]. */
  private async escalateStuck(): Promise<void> {
    const { store, agents, routing } = this.deps;
    const now = this.now();
    // Only the stuck are read: a long queue at peak hour is not read whole every few seconds.
    const stuck = await store.waitingWith(HandoffEngine.NEVER_PARKED, now.getTime() - routing.dispatch.escalateAfter + 1, STUCK_READ_AT_ONCE);
    if (stuck.length === 0) return;
    const [presence, loads] = await Promise.all([store.presence(), store.loads()]);
    for (const h of stuck) {
      const waited = now.getTime() - h.createdAt;
      const step = waited >= 2 * routing.dispatch.escalateAfter ? 'anyone' : 'supervisors';
      const free = agents.agents
        .filter((a) => presence[a.id] === 'online' && (loads[a.id] ?? 0) < a.capacity && (step === 'anyone' || a.supervisor))
        .sort((a, b) => (loads[a.id] ?? 0) / a.capacity - (loads[b.id] ?? 0) / b.capacity);
      for (const agent of free) {
        const assignment = await this.dispatcher.assignTo(h, agent);
        if (!assignment) continue;
        loads[agent.id] = (loads[agent.id] ?? 0) + 1;
        await this.deps.events.publish({
          type: 'handoff.escalated',
          handoffId: h.id,
          conversationId: h.conversationId,
          group: h.group,
          priority: h.priority,
          step,
          at: now.toISOString(),
        });
        await this.joined(assignment.handoff, agent);
        break;
      }
    }
  }

  /** Every chat an agent holds goes back to the queue (they went offline or away). */
  private async requeueAll(agentId: string, why: 'offline' | 'away'): Promise<void> {
    const mine = await this.deps.store.heldBy(agentId);
    for (const h of mine) await this.requeue(h.id, agentId, why);
    if (mine.length > 0) await this.dispatch({ exclude: [agentId] });
  }

  /** One chat back to its queue at its priority and age; the customer is told once, the agent side hears it. */
  private async requeue(id: string, agentId: string, why: 'offline' | 'away' | 'not_accepted' | 'not_answered'): Promise<HandoffRecord | undefined> {
    const now = this.now();
    const back = await this.deps.store.requeue(id, agentId, `returned to the queue: ${why} (${agentId})`, now.getTime());
    if (!back.ok) return undefined;
    const h = back.handoff;
    await this.deps.store.cancelTimers('agentReply', [replyMember(id, 1), replyMember(id, 2)]);
    await this.deps.events.publish({
      type: 'handoff.requeued',
      handoffId: id,
      conversationId: h.conversationId,
      agentId,
      group: h.group,
      priority: h.priority,
      why,
      at: now.toISOString(),
    });
    await this.notify(h, async () => {
      const text = await this.reach.requeued(h);
      await this.record(h.conversationId, 'system', text, { mark: 'requeued' });
    });
    return h;
  }

  private replyTimeout(priority: Priority): number {
    return this.deps.routing.dispatch.replyTimeout[priority];
  }

  // ── Reads for the agent API ────────────────────────────────────────────────────────────────

  get(id: string): Promise<HandoffRecord | undefined> {
    return this.deps.store.get(id);
  }

  /** The head of the queue (see HandoffQueries.queued): a console's page, never the whole queue at peak hour. */
  queued(read: QueueRead): Promise<HandoffRecord[]> {
    return this.deps.store.queued(read);
  }

  /** The queues counted: what a console or a scrape shows of a queue too long to list. */
  async queueCounts(): Promise<QueueStats & { callbacks: number }> {
    const [stats, callbacks] = await Promise.all([this.deps.store.queueStats(), this.deps.store.callbacksWaiting()]);
    return { ...stats, callbacks };
  }

  /** Urgent and high-risk customers still waiting, and those past their SLA: the supervisor's alerts, at most `limit` each. */
  async alerts(limit: number): Promise<{ urgentWaiting: HandoffRecord[]; slaBreaches: HandoffRecord[] }> {
    const now = this.now().getTime();
    const [urgentWaiting, slaBreaches] = await Promise.all([
      // No upper bound on age: a handoff another instance stamped a little ahead of this clock counts too.
      this.deps.store.waitingWith(HandoffEngine.NEVER_PARKED, Number.MAX_SAFE_INTEGER, limit),
      this.deps.store.slaBreached(now, limit),
    ]);
    return { urgentWaiting, slaBreaches };
  }

  assigned(): Promise<HandoffRecord[]> {
    return this.deps.store.assigned();
  }

  heldBy(agentId: string): Promise<HandoffRecord[]> {
    return this.deps.store.heldBy(agentId);
  }

  flagged(limit: number): Promise<HandoffRecord[]> {
    return this.deps.store.flagged(limit);
  }

  /** The supervisor's charts of the last 24 hours, from the handoffs opened in them (at most 20,000). */
  async floorStats(): Promise<FloorStats> {
    const now = this.now().getTime();
    return floorStats(await this.deps.store.createdSince(now - 25 * 3600_000, 20_000), now);
  }

  /** The customer's other handoffs, newest first: what the agent should know happened before. */
  async historyOf(h: HandoffRecord, limit: number): Promise<HandoffRecord[]> {
    return (await this.deps.store.customerHistory(h.packet.customer.id, limit + 1)).filter((x) => x.id !== h.id).slice(0, limit);
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

  /** Tells the customer a person joined — unless they were last told this very person joined (a re-claim says nothing new). */
  private async joined(h: HandoffRecord, agent: Agent): Promise<boolean> {
    const last = [...(await this.deps.store.transcript(h.conversationId))].reverse().find((e) => e.mark !== undefined);
    if (last?.mark === 'joined' && last.agentId === agent.id) return true;
    return this.notify(h, async () => {
      const text = await this.reach.agentJoined(h, agent);
      await this.record(h.conversationId, 'system', text, { mark: 'joined', agentId: agent.id });
    });
  }

  /**
   * Telling the customer can fail (WeChat's 48-hour window, quota, a channel that is down); the
   * agent's action still stands — it already happened in the store, so it must not answer 500 and
   * invite a retry. The failure reaches the agent side as delivery.failed.
   */
  private async notify(h: HandoffRecord, send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      if (err instanceof CustomerUnreachableError) return false;
      await this.deps.events.publish({
        type: 'delivery.failed',
        handoffId: h.id,
        conversationId: h.conversationId,
        agentId: h.assignedTo,
        code: 'delivery_error',
        message: err instanceof Error ? err.message.slice(0, 300) : 'delivery failed',
        at: this.now().toISOString(),
      });
      return false;
    }
  }

  private async record(
    conversationId: string,
    speaker: TranscriptEntry['speaker'],
    text: string,
    extra: Pick<TranscriptEntry, 'mark' | 'agentId'> = {},
  ): Promise<void> {
    await this.deps.store.appendTranscript(conversationId, { at: this.now().toISOString(), speaker, text: maskPersonalData(text), ...extra });
  }
}
