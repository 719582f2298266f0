import type { AgentPresence, HandoffReason, HandoffStatus, Priority, SkillGroup, TranscriptEntry } from './types';
import type { ContextPacket } from './contextPacket';

/** A conversation reference as Bot Framework needs it to message the customer later (JSON). */
export type StoredReference = Record<string, unknown> & { conversation: { id: string }; serviceUrl?: string; channelId?: string };

export interface Survey {
  scores: { efficiency: number; attitude: number; clarity: number; solution: number; overall: number };
  comment?: string;
  at: string;
  /** Any score ≤ 3 flags the case for supervisor review [000 PART04]. */
  flagged: boolean;
}

export interface HandoffRecord {
  id: string;
  conversationId: string;
  status: HandoffStatus;
  /** Every trigger that asked for this handoff, first one first. */
  reasons: HandoffReason[];
  group: SkillGroup;
  priority: Priority;
  createdAt: number;
  slaDueAt: number;
  assignedTo?: string;
  assignedAt?: number;
  closedAt?: number;
  resolution?: string;
  tags?: string[];
  transfers: Array<{ at: number; by: string; toGroup?: SkillGroup; toAgent?: string; note?: string }>;
  packet: ContextPacket;
  reference: StoredReference;
  survey?: Survey;
  /** A callback ticket's promise: call by `dueAt` (its SLA), on `phone` — kept whole only here, shown whole only to the agent holding the ticket. */
  callback?: CallbackPromise;
}

export interface CallbackPromise {
  dueAt: number;
  phone?: string;
}

/** Why a transition was refused; one code per failure, mapped to HTTP statuses in one place. */
export type TransitionError = 'not_found' | 'not_queued' | 'at_capacity' | 'not_yours' | 'closed';
export type TransitionResult = { ok: true; handoff: HandoffRecord } | { ok: false; error: TransitionError };

export interface AgentRef {
  id: string;
  capacity: number;
  /** Supervisors may act on any conversation. */
  supervisor?: boolean;
}

/** The handoff lifecycle: one atomic operation per transition. */
export interface HandoffTransitions {
  /**
   * Opens a handoff, or — if the conversation already has one open — adds the reason to it (and
   * raises its priority). Throws HandoffIdTakenError, writing nothing, when a new handoff's id is
   * already another's.
   */
  open(record: HandoffRecord): Promise<{ created: boolean; handoff: HandoffRecord }>;
  claim(id: string, agent: AgentRef, now: number): Promise<TransitionResult>;
  /** The most urgent, longest-waiting queued handoff in one of the groups, claimed atomically. */
  claimNext(agent: AgentRef, groups: readonly SkillGroup[], now: number): Promise<HandoffRecord | undefined>;
  transfer(id: string, by: AgentRef, to: { group: SkillGroup } | { agent: AgentRef }, note: string | undefined, now: number): Promise<TransitionResult>;
  close(id: string, by: AgentRef, resolution: string, tags: string[], now: number): Promise<TransitionResult>;
  /**
   * No agent can take it, or the customer cannot be messaged: queued or assigned → callback (the bot
   * may talk again meanwhile). The ticket waits in the callback queue, earliest promise first, and
   * its SLA becomes the promised time; a requeued ticket goes back there, not to the live queue.
   */
  toCallback(id: string, now: number, promise: CallbackPromise): Promise<TransitionResult>;
  /** Completes an open handoff's context packet (orders found after it opened); false when closed. */
  updatePacket(id: string, update: (packet: ContextPacket) => ContextPacket): Promise<boolean>;
  /** The number to call, given by the customer after booking: only while the ticket is open. */
  setCallbackPhone(id: string, phone: string): Promise<TransitionResult>;
  saveSurvey(id: string, survey: Survey): Promise<TransitionResult>;
  setPresence(agentId: string, presence: AgentPresence): Promise<void>;
  /**
   * An assigned handoff goes back to its queue at its priority and original age (the agent left,
   * did not accept, or did not answer): only if `agentId` still holds it. The note joins its history.
   */
  requeue(id: string, agentId: string, note: string, now: number): Promise<TransitionResult>;
  /** The agent's console is alive (a heartbeat, a request, an open event stream). */
  touchAgent(agentId: string, now: number): Promise<void>;
  /** A closed conversation's handle time feeds the group's rolling average (exponentially weighted). */
  recordHandleTime(group: SkillGroup, ms: number, initialMs: number): Promise<void>;
}

export interface QueueRead {
  /** The customers waiting live (default true); `false` reads the callback tickets alone. */
  waiting?: boolean;
  callbacks?: boolean;
  groups?: readonly SkillGroup[];
  limit?: number;
}

/** Only groups with someone waiting appear. */
export interface QueueStats {
  waiting: Partial<Record<SkillGroup, Record<Priority, number>>>;
  oldestCreatedAt: Partial<Record<SkillGroup, number>>;
}

/** Reads of handoffs, queues and agents. */
export interface HandoffQueries {
  get(id: string): Promise<HandoffRecord | undefined>;
  /** The conversation's handoff that is not closed (queued, assigned or awaiting a callback). */
  openFor(conversationId: string): Promise<HandoffRecord | undefined>;
  /**
   * Queued handoffs, most urgent first then longest waiting; callbacks after them, earliest promise
   * first — unless `callbacks: false`: tickets can pile up while nobody is online, and a caller that
   * only needs the live queue should not read them all. `groups`: only those groups' handoffs.
   * `limit`: only the first `limit` queued and the first `limit` tickets are read (a console's page;
   * with `groups`, the tickets are the first `limit` of all, then filtered).
   */
  queued(options?: QueueRead): Promise<HandoffRecord[]>;
  /** The queues counted, not read: customers waiting per group and priority, and when each group's longest-waiting one arrived. */
  queueStats(): Promise<QueueStats>;
  /** Queued handoffs past their SLA, longest overdue first, at most `limit`. */
  slaBreached(now: number, limit: number): Promise<HandoffRecord[]>;
  /** Open handoffs assigned to agents. */
  assigned(): Promise<HandoffRecord[]>;
  /** The handoffs one agent holds (an agent's own list), without reading every open handoff. */
  heldBy(agentId: string): Promise<HandoffRecord[]>;
  /** Closed handoffs with a flagged survey, newest first (at most `limit`). */
  flagged(limit: number): Promise<HandoffRecord[]>;
  /** Handoffs opened at or after `since` (ms), oldest first, at most `limit`: the supervisor's charts of the day. */
  createdSince(since: number, limit: number): Promise<HandoffRecord[]>;
  /** The customer's handoffs, newest first (at most `limit`; closed ones while they are retained). */
  customerHistory(customerId: string, limit: number): Promise<HandoffRecord[]>;
  loads(): Promise<Record<string, number>>;
  presence(): Promise<Record<string, AgentPresence>>;
  /** When each agent's console was last seen (ms). */
  lastSeen(): Promise<Record<string, number>>;
  /** Handoffs waiting in the queues (callbacks not counted). */
  waiting(): Promise<number>;
  /**
   * Queued handoffs created before `before` (ms) that have `match.priority` or whose reasons include
   * `match.reason`, most urgent then oldest first, at most `limit`: found without reading the rest.
   */
  waitingWith(match: { priority: Priority; reason: HandoffReason }, before: number, limit: number): Promise<HandoffRecord[]>;
  /** Handoffs waiting in `groups`' queues that are served before `score` (see queueScore): counted, never read. */
  ahead(groups: readonly SkillGroup[], score: number): Promise<number>;
  /** Callback tickets nobody holds yet. */
  callbacksWaiting(): Promise<number>;
  /** The rolling average handle time per group (ms), for groups with a closed conversation. */
  handleTimes(): Promise<Partial<Record<SkillGroup, number>>>;
}

/** What was said, and where to say more: the transcript and the customer's conversation reference. */
export interface ConversationRecords {
  appendTranscript(conversationId: string, entry: TranscriptEntry): Promise<void>;
  transcript(conversationId: string): Promise<TranscriptEntry[]>;
  setReference(reference: StoredReference): Promise<void>;
  /**
   * A customer's activity, in one step: its reference kept (as `setReference`) and its line, when
   * it has one, appended (as `appendTranscript`). Every customer message writes both.
   */
  recordCustomer(reference: StoredReference, entry: TranscriptEntry | undefined): Promise<void>;
  reference(conversationId: string): Promise<StoredReference | undefined>;
}

/**
 * Durable timers: every instance polls. Taking a due entry leases it (for `DUE_LEASE_MS`): the
 * taker acknowledges it once handled; an entry whose taker died before acknowledging is due again
 * when the lease runs out and goes to whichever instance polls next. Handlers are idempotent, so a
 * retaken entry never opens a second handoff.
 */
export interface HandoffTimers {
  /** Arms the response deadline, unless a person already holds the conversation. */
  armDeadline(conversationId: string, dueAt: number): Promise<boolean>;
  /**
   * What every customer message asks first, in one atomic step: the conversation's open handoff
   * (as `openFor`), and — when `dueAt` is given and nobody holds the conversation (no open handoff,
   * or only a callback ticket) — its response deadline armed (as `armDeadline`).
   */
  openOrArm(conversationId: string, dueAt: number | undefined): Promise<{ open: HandoffRecord | undefined; armed: boolean }>;
  /** True when the deadline was still pending; false when there was none or it already fired. */
  clearDeadline(conversationId: string): Promise<boolean>;
  /** Leases and returns the deadlines due by `now` (and those whose lease ran out): one caller at a time. */
  takeDueDeadlines(now: number, limit: number): Promise<string[]>;
  /** Same, for handoffs not picked up by their SLA due time. */
  takeSlaBreaches(now: number, limit: number): Promise<string[]>;
  /** Queue-position notices: scheduled per handoff, each due one taken by exactly one instance. */
  scheduleNotice(id: string, at: number): Promise<void>;
  takeDueNotices(now: number, limit: number): Promise<string[]>;
  /** Timers of the agent side (ring-no-answer, agent reply, customer idle): a member per handoff and stage. */
  scheduleTimer(kind: TimerKind, member: string, at: number, onlyIfAbsent: boolean): Promise<void>;
  cancelTimers(kind: TimerKind, members: string[]): Promise<void>;
  takeDueTimers(kind: TimerKind, now: number, limit: number): Promise<string[]>;
  /** The taker handled these entries: their leases end and they are never taken again. */
  acknowledge(queue: DueQueue, members: readonly string[]): Promise<void>;
}

/** The timed queues whose entries are leased when taken. */
export type DueQueue = 'deadlines' | 'sla' | 'notices' | TimerKind;

/** How long a taken entry stays with its taker before another instance may take it. */
export const DUE_LEASE_MS = 30_000;

/**
 * accept: an assigned agent has not accepted; agentReply: a customer waits for the agent;
 * customerIdle: the customer went quiet; webhook: a signed delivery to another system is due (the outbox).
 */
export type TimerKind = 'accept' | 'agentReply' | 'customerIdle' | 'webhook';
export const TIMER_KINDS: readonly TimerKind[] = ['accept', 'agentReply', 'customerIdle', 'webhook'];

/** Weight of the newest handle time in the rolling average. */
export const HANDLE_TIME_WEIGHT = 0.2;

/**
 * The shared state of handoffs. Two implementations (infra/memory, infra/redis) pass one
 * conformance suite: in-memory (one process) and Redis (any number of processes). Only the desk
 * and the engine hold it; everything else goes through the desk.
 */
export interface HandoffStore extends HandoffTransitions, HandoffQueries, ConversationRecords, HandoffTimers {
  ping(): Promise<boolean>;
  /** Releases connections. */
  dispose(): Promise<void>;
}
