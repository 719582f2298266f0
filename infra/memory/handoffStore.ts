import {
  HANDLE_TIME_WEIGHT,
  type AgentRef,
  type CallbackPromise,
  type DueQueue,
  DUE_LEASE_MS,
  type HandoffRecord,
  type HandoffStore,
  type QueueRead,
  type QueueStats,
  type StoredReference,
  type Survey,
  type TimerKind,
  type TransitionResult,
} from '../../handoff/store';
import { PRIORITY_RANK, queueScore, type AgentPresence, type HandoffReason, type Priority, type SkillGroup, type TranscriptEntry } from '../../handoff/types';
import type { ContextPacket } from '../../handoff/contextPacket';
import { pack, unpack, type Packed } from './packed';
import { HandoffIdTakenError } from '../../handoff/errors';

/** Values leave and enter as the Redis store's do, as JSON (and a JSON round trip is cheaper than structuredClone). */
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * The embedded default: one process, state in memory. Each method runs without awaiting in
 * between, so each transition is atomic in a single Node process — the same guarantee the Redis
 * store gets from one Lua script per transition.
 */
export class MemoryHandoffStore implements HandoffStore {
  private readonly handoffs = new Map<string, HandoffRecord>();
  private readonly openByConversation = new Map<string, string>();
  private readonly load = new Map<string, number>();
  private readonly presenceById = new Map<string, AgentPresence>();
  private readonly transcripts = new Map<string, Array<Packed<TranscriptEntry>>>();
  private readonly references = new Map<string, Packed<StoredReference>>();
  private readonly deadlines = new Map<string, number>();
  private readonly slaDue = new Map<string, number>();
  /** Taken due entries per queue, until their lease runs out. */
  private readonly leases = new Map<DueQueue, Map<string, number>>();
  private readonly notices = new Map<string, number>();
  private readonly closedOrder: string[] = [];
  private readonly seen = new Map<string, number>();
  private readonly timers: Record<TimerKind, Map<string, number>> = { accept: new Map(), agentReply: new Map(), customerIdle: new Map(), webhook: new Map() };
  private readonly aht = new Map<SkillGroup, number>();

  constructor(
    private readonly limits: { transcriptEntries: number; conversations: number; leaseMs?: number } = { transcriptEntries: 500, conversations: 100_000 },
  ) {}

  async open(record: HandoffRecord): Promise<{ created: boolean; handoff: HandoffRecord }> {
    const existingId = this.openByConversation.get(record.conversationId);
    const existing = existingId ? this.handoffs.get(existingId) : undefined;
    if (existing) {
      for (const r of record.reasons) if (!existing.reasons.includes(r)) existing.reasons.push(r);
      if (PRIORITY_RANK[record.priority] < PRIORITY_RANK[existing.priority] && existing.status !== 'closed') {
        existing.priority = record.priority;
        existing.slaDueAt = Math.min(existing.slaDueAt, record.slaDueAt);
        existing.packet = record.packet;
        if (existing.status === 'queued' || existing.status === 'callback') {
          existing.group = record.group;
          existing.status = 'queued';
          existing.callback = undefined; // live again: no longer a promise to call
          this.slaDue.set(existing.id, existing.slaDueAt);
        }
      }
      return { created: false, handoff: clone(existing) };
    }
    if (this.handoffs.has(record.id)) throw new HandoffIdTakenError(record.id);
    this.handoffs.set(record.id, clone(record));
    this.openByConversation.set(record.conversationId, record.id);
    this.slaDue.set(record.id, record.slaDueAt);
    this.deadlines.delete(record.conversationId);
    return { created: true, handoff: clone(record) };
  }

  async get(id: string): Promise<HandoffRecord | undefined> {
    const h = this.handoffs.get(id);
    return h ? clone(h) : undefined;
  }

  async openFor(conversationId: string): Promise<HandoffRecord | undefined> {
    const id = this.openByConversation.get(conversationId);
    return id ? this.get(id) : undefined;
  }

  async openOrArm(conversationId: string, dueAt: number | undefined): Promise<{ open: HandoffRecord | undefined; armed: boolean }> {
    // No await between the read and the arming: one step, as the Redis script.
    const id = this.openByConversation.get(conversationId);
    const h = id ? this.handoffs.get(id) : undefined;
    const armed = dueAt !== undefined && (!id || h?.status === 'callback');
    if (armed) this.deadlines.set(conversationId, dueAt);
    return { open: h ? clone(h) : undefined, armed };
  }

  async claim(id: string, agent: AgentRef, now: number): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    if (!h) return { ok: false, error: 'not_found' };
    if (h.status !== 'queued' && h.status !== 'callback') return { ok: false, error: 'not_queued' };
    if ((this.load.get(agent.id) ?? 0) >= agent.capacity) return { ok: false, error: 'at_capacity' };
    this.assign(h, agent.id, now);
    return { ok: true, handoff: clone(h) };
  }

  async claimNext(agent: AgentRef, groups: readonly SkillGroup[], now: number): Promise<HandoffRecord | undefined> {
    if ((this.load.get(agent.id) ?? 0) >= agent.capacity) return undefined;
    const next = this.sortedQueue().find((h) => h.status === 'queued' && groups.includes(h.group));
    if (!next) return undefined;
    this.assign(next, agent.id, now);
    return clone(next);
  }

  async transfer(id: string, by: AgentRef, to: { group: SkillGroup } | { agent: AgentRef }, note: string | undefined, now: number): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    const refused = this.refuse(h, by);
    if (refused) return refused;
    const rec = h as HandoffRecord;
    if ('agent' in to && (this.load.get(to.agent.id) ?? 0) >= to.agent.capacity) return { ok: false, error: 'at_capacity' };
    if (rec.assignedTo) this.load.set(rec.assignedTo, Math.max(0, (this.load.get(rec.assignedTo) ?? 0) - 1));
    if ('agent' in to) {
      rec.transfers.push({ at: now, by: by.id, toAgent: to.agent.id, note });
      this.assign(rec, to.agent.id, now);
    } else {
      rec.transfers.push({ at: now, by: by.id, toGroup: to.group, note });
      rec.status = 'queued';
      rec.group = to.group;
      rec.assignedTo = undefined;
      rec.assignedAt = undefined;
    }
    return { ok: true, handoff: clone(rec) };
  }

  async close(id: string, by: AgentRef, resolution: string, tags: string[], now: number): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    // A callback ticket is closed by whoever made the call back; otherwise the holder or a supervisor.
    const refused = h?.status === 'callback' ? undefined : this.refuse(h, by);
    if (refused) return refused;
    const rec = h as HandoffRecord;
    if (rec.status === 'assigned' && rec.assignedTo) this.load.set(rec.assignedTo, Math.max(0, (this.load.get(rec.assignedTo) ?? 0) - 1));
    rec.status = 'closed';
    rec.closedAt = now;
    rec.resolution = resolution;
    rec.tags = tags;
    if (rec.callback) rec.callback = { dueAt: rec.callback.dueAt }; // the number was for the call, not for the archive
    this.openByConversation.delete(rec.conversationId);
    this.slaDue.delete(rec.id);
    // Bounded: closed handoffs beyond the limit are forgotten, oldest first.
    this.closedOrder.push(rec.id);
    while (this.closedOrder.length > this.limits.conversations) this.handoffs.delete(this.closedOrder.shift() as string);
    return { ok: true, handoff: clone(rec) };
  }

  async toCallback(id: string, _now: number, promise: CallbackPromise): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    if (!h) return { ok: false, error: 'not_found' };
    if (h.status !== 'queued' && h.status !== 'assigned') return { ok: false, error: 'not_queued' };
    if (h.status === 'assigned' && h.assignedTo) this.load.set(h.assignedTo, Math.max(0, (this.load.get(h.assignedTo) ?? 0) - 1));
    h.assignedTo = undefined;
    h.assignedAt = undefined;
    h.status = 'callback';
    h.callback = { dueAt: promise.dueAt, ...((promise.phone ?? h.callback?.phone) ? { phone: promise.phone ?? h.callback?.phone } : {}) };
    h.slaDueAt = promise.dueAt;
    this.slaDue.set(h.id, promise.dueAt);
    return { ok: true, handoff: clone(h) };
  }

  async updatePacket(id: string, update: (packet: ContextPacket) => ContextPacket): Promise<boolean> {
    const h = this.handoffs.get(id);
    if (!h || h.status === 'closed') return false;
    h.packet = update(clone(h.packet));
    return true;
  }

  async setCallbackPhone(id: string, phone: string): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    if (!h) return { ok: false, error: 'not_found' };
    if (!h.callback || h.status === 'closed') return { ok: false, error: 'not_queued' };
    h.callback = { ...h.callback, phone };
    return { ok: true, handoff: clone(h) };
  }

  async saveSurvey(id: string, survey: Survey): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    if (!h) return { ok: false, error: 'not_found' };
    h.survey = survey;
    return { ok: true, handoff: clone(h) };
  }

  async queued(options: QueueRead = {}): Promise<HandoffRecord[]> {
    if (options.limit !== undefined && options.limit <= 0) return [];
    const all = this.sortedQueue();
    const inGroups = (h: HandoffRecord) => !options.groups || options.groups.includes(h.group);
    const queued = options.waiting === false ? [] : all.filter((h) => h.status === 'queued' && inGroups(h)).slice(0, options.limit);
    if (options.callbacks === false) return queued.map(clone);
    // As the Redis store: the first `limit` tickets of all, then those of the groups.
    const callbacks = all
      .filter((h) => h.status === 'callback')
      .sort((a, b) => (a.callback?.dueAt ?? a.createdAt) - (b.callback?.dueAt ?? b.createdAt))
      .slice(0, options.limit)
      .filter(inGroups);
    return [...queued, ...callbacks].map(clone);
  }

  async queueStats(): Promise<QueueStats> {
    const stats: QueueStats = { waiting: {}, oldestCreatedAt: {} };
    for (const h of this.handoffs.values()) {
      if (h.status !== 'queued') continue;
      (stats.waiting[h.group] ??= { urgent: 0, high: 0, normal: 0 })[h.priority] += 1;
      stats.oldestCreatedAt[h.group] = Math.min(stats.oldestCreatedAt[h.group] ?? Infinity, h.createdAt);
    }
    return stats;
  }

  async slaBreached(now: number, limit: number): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()]
      .filter((h) => h.status === 'queued' && h.slaDueAt < now)
      .sort((a, b) => a.slaDueAt - b.slaDueAt)
      .slice(0, limit)
      .map(clone);
  }

  async assigned(): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()].filter((h) => h.status === 'assigned').map(clone);
  }

  async heldBy(agentId: string): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()].filter((h) => h.status === 'assigned' && h.assignedTo === agentId).map(clone);
  }

  async createdSince(since: number, limit: number): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()]
      .filter((h) => h.createdAt >= since)
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit)
      .map(clone);
  }

  async customerHistory(customerId: string, limit: number): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()]
      .filter((h) => h.packet.customer.id === customerId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map(clone);
  }

  async flagged(limit: number): Promise<HandoffRecord[]> {
    return [...this.handoffs.values()]
      .filter((h) => h.survey?.flagged)
      .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0))
      .slice(0, limit)
      .map(clone);
  }

  async loads(): Promise<Record<string, number>> {
    return Object.fromEntries(this.load);
  }

  async setPresence(agentId: string, presence: AgentPresence): Promise<void> {
    this.presenceById.set(agentId, presence);
  }

  async presence(): Promise<Record<string, AgentPresence>> {
    return Object.fromEntries(this.presenceById);
  }

  async requeue(id: string, agentId: string, note: string, now: number): Promise<TransitionResult> {
    const h = this.handoffs.get(id);
    if (!h) return { ok: false, error: 'not_found' };
    if (h.status !== 'assigned' || h.assignedTo !== agentId) return { ok: false, error: 'not_yours' };
    this.load.set(agentId, Math.max(0, (this.load.get(agentId) ?? 0) - 1));
    h.transfers.push({ at: now, by: 'system', note });
    // A callback ticket goes back to the callback queue, not to the customers waiting live.
    h.status = h.callback ? 'callback' : 'queued';
    h.assignedTo = undefined;
    h.assignedAt = undefined;
    this.slaDue.set(h.id, h.slaDueAt);
    return { ok: true, handoff: clone(h) };
  }

  async touchAgent(agentId: string, now: number): Promise<void> {
    this.seen.set(agentId, now);
  }

  async lastSeen(): Promise<Record<string, number>> {
    return Object.fromEntries(this.seen);
  }

  async callbacksWaiting(): Promise<number> {
    let n = 0;
    for (const h of this.handoffs.values()) if (h.status === 'callback') n += 1;
    return n;
  }

  async waitingWith(match: { priority: Priority; reason: HandoffReason }, before: number, limit: number): Promise<HandoffRecord[]> {
    return this.sortedQueue()
      .filter((h) => h.status === 'queued' && h.createdAt < before && (h.priority === match.priority || h.reasons.includes(match.reason)))
      .slice(0, limit)
      .map(clone);
  }

  async ahead(groups: readonly SkillGroup[], score: number): Promise<number> {
    let n = 0;
    for (const h of this.handoffs.values()) if (h.status === 'queued' && groups.includes(h.group) && queueScore(h.priority, h.createdAt) < score) n += 1;
    return n;
  }

  async waiting(): Promise<number> {
    let n = 0;
    for (const h of this.handoffs.values()) if (h.status === 'queued') n += 1;
    return n;
  }

  async recordHandleTime(group: SkillGroup, ms: number, initialMs: number): Promise<void> {
    const previous = this.aht.get(group) ?? initialMs;
    this.aht.set(group, previous + HANDLE_TIME_WEIGHT * (ms - previous));
  }

  async handleTimes(): Promise<Partial<Record<SkillGroup, number>>> {
    return Object.fromEntries(this.aht);
  }

  async scheduleTimer(kind: TimerKind, member: string, at: number, onlyIfAbsent: boolean): Promise<void> {
    if (onlyIfAbsent && this.timers[kind].has(member)) return;
    this.timers[kind].set(member, at);
  }

  async cancelTimers(kind: TimerKind, members: string[]): Promise<void> {
    for (const m of members) this.timers[kind].delete(m);
  }

  async takeDueTimers(kind: TimerKind, now: number, limit: number): Promise<string[]> {
    return takeDue(this.timers[kind], this.lease(kind), now, limit, this.limits.leaseMs ?? DUE_LEASE_MS);
  }

  async appendTranscript(conversationId: string, entry: TranscriptEntry): Promise<void> {
    if (this.limits.transcriptEntries === 0) return;
    let list = this.transcripts.get(conversationId);
    if (!list) {
      list = [];
      this.transcripts.set(conversationId, list);
      // Bounded: drop the oldest conversation's transcript when too many are kept.
      if (this.transcripts.size > this.limits.conversations) this.transcripts.delete(this.transcripts.keys().next().value as string);
    }
    list.push(pack(entry));
    if (list.length > this.limits.transcriptEntries) list.splice(0, list.length - this.limits.transcriptEntries);
  }

  async transcript(conversationId: string): Promise<TranscriptEntry[]> {
    return (this.transcripts.get(conversationId) ?? []).map(unpack);
  }

  async setReference(reference: StoredReference): Promise<void> {
    this.references.delete(reference.conversation.id);
    this.references.set(reference.conversation.id, pack(reference));
    if (this.references.size > this.limits.conversations) this.references.delete(this.references.keys().next().value as string);
  }

  async recordCustomer(reference: StoredReference, entry: TranscriptEntry | undefined): Promise<void> {
    await this.setReference(reference);
    if (entry) await this.appendTranscript(reference.conversation.id, entry);
  }

  async reference(conversationId: string): Promise<StoredReference | undefined> {
    const r = this.references.get(conversationId);
    return r ? unpack(r) : undefined;
  }

  async armDeadline(conversationId: string, dueAt: number): Promise<boolean> {
    return (await this.openOrArm(conversationId, dueAt)).armed; // one arming rule: openOrArm's
  }

  async clearDeadline(conversationId: string): Promise<boolean> {
    return this.deadlines.delete(conversationId);
  }

  async scheduleNotice(id: string, at: number): Promise<void> {
    this.notices.set(id, at);
  }

  async takeDueNotices(now: number, limit: number): Promise<string[]> {
    return takeDue(this.notices, this.lease('notices'), now, limit, this.limits.leaseMs ?? DUE_LEASE_MS);
  }

  async takeDueDeadlines(now: number, limit: number): Promise<string[]> {
    return takeDue(this.deadlines, this.lease('deadlines'), now, limit, this.limits.leaseMs ?? DUE_LEASE_MS);
  }

  async takeSlaBreaches(now: number, limit: number): Promise<string[]> {
    return takeDue(this.slaDue, this.lease('sla'), now, limit, this.limits.leaseMs ?? DUE_LEASE_MS);
  }

  async acknowledge(queue: DueQueue, members: readonly string[]): Promise<void> {
    const leases = this.lease(queue);
    for (const m of members) leases.delete(m);
  }

  private lease(queue: DueQueue): Map<string, number> {
    let leases = this.leases.get(queue);
    if (!leases) {
      leases = new Map();
      this.leases.set(queue, leases);
    }
    return leases;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async dispose(): Promise<void> {
    // nothing to release: the state lives in this process
  }

  private assign(h: HandoffRecord, agentId: string, now: number): void {
    h.status = 'assigned';
    h.assignedTo = agentId;
    h.assignedAt = now;
    this.load.set(agentId, (this.load.get(agentId) ?? 0) + 1);
    this.slaDue.delete(h.id);
  }

  /** Same rule as the Lua scripts: the holder or a supervisor may act; on an unassigned one, only a supervisor. */
  private refuse(h: HandoffRecord | undefined, by: AgentRef): TransitionResult | undefined {
    if (!h) return { ok: false, error: 'not_found' };
    if (h.status === 'closed') return { ok: false, error: 'closed' };
    const allowed = h.status === 'assigned' ? h.assignedTo === by.id || by.supervisor === true : by.supervisor === true;
    return allowed ? undefined : { ok: false, error: 'not_yours' };
  }

  private sortedQueue(): HandoffRecord[] {
    return [...this.handoffs.values()]
      .filter((h) => h.status === 'queued' || h.status === 'callback')
      .sort((a, b) => queueScore(a.priority, a.createdAt) - queueScore(b.priority, b.createdAt));
  }
}

/** Leases the due members (the Redis store's takeDue-2.lua, in one process): expired leases first, then due ones. */
function takeDue(map: Map<string, number>, leases: Map<string, number>, now: number, limit: number, leaseMs: number): string[] {
  const expired = [...leases.entries()]
    .filter(([, until]) => until <= now)
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit)
    .map(([k]) => k);
  const due = [...map.entries()]
    .filter(([, at]) => at <= now)
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit - expired.length)
    .map(([k]) => k);
  for (const k of due) map.delete(k);
  const taken = [...expired, ...due];
  for (const k of taken) leases.set(k, now + leaseMs);
  return taken;
}
