import type { Redis } from './connection';
import { z } from 'zod';
import { ContextPacket } from '../../handoff/contextPacket';
import { RedisKeys } from './keys';
import { loadScripts, run, SCRIPT_ERRORS, ScriptCode, type RedisWithScripts } from './scripts';
import { HandoffIdTakenError } from '../../handoff/errors';
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
import {
  AgentPresence,
  HandoffReason,
  HandoffStatus,
  PRIORITIES_BY_RANK,
  PRIORITY_RANK,
  queueScore,
  SkillGroup,
  TranscriptEntry,
  type Priority,
} from '../../handoff/types';

const int = z.coerce.number().int();
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const SurveySchema = z.object({
  scores: z.object({ efficiency: int, attitude: int, clarity: int, solution: int, overall: int }),
  comment: z.string().optional(),
  at: z.string(),
  flagged: z.boolean(),
});
const Reference = z.object({ conversation: z.object({ id: z.string() }).loose(), serviceUrl: z.string().optional(), channelId: z.string().optional() }).loose();
const Transfer = z.object({ at: int, by: z.string(), toGroup: SkillGroup.optional(), toAgent: z.string().optional(), note: z.string().optional() });

/** openOrArm's answer: armed or not, the open handoff's hash as a flat list, its transfer lines. */
const OpenOrArmReply = z.tuple([z.number().int(), z.array(z.string()), z.array(z.string())]);
/**
 * A transition's answer: the code it refused with, or ok with the record as the transition left it
 * (hash as a flat list, transfer lines) — read inside the script, so no second round trip.
 */
const TransitionReply = z.union([z.number().int(), z.tuple([z.literal(ScriptCode.ok), z.array(z.string()), z.array(z.string())])]);
/** claimNext's answer: nothing to take, or the claimed handoff's id with its record as in TransitionReply. */
const ClaimNextReply = z.union([z.null(), z.tuple([z.string(), z.array(z.string()), z.array(z.string())])]);

/** A handoff as stored in its Redis hash: validated on every read, like any input from outside. */
const RecordHash = z.object({
  id: z.string(),
  conversationId: z.string(),
  status: HandoffStatus,
  reasons: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(HandoffReason).min(1)),
  rank: int.min(0).max(2),
  group: SkillGroup,
  createdAt: int,
  slaDueAt: int,
  assignedTo: z.string().optional(),
  assignedAt: int.optional(),
  closedAt: int.optional(),
  resolution: z.string().optional(),
  tags: json(z.array(z.string())).optional(),
  packet: json(ContextPacket),
  reference: json(Reference),
  survey: json(SurveySchema).optional(),
  callbackDueAt: int.optional(),
  callbackPhone: z.string().optional(),
});

export interface RedisStoreOptions {
  namespace: string;
  /** Transcripts and references expire this long after the last write. */
  ttlSeconds: number;
  transcriptEntries: number;
  /** Closed handoffs (record, transfer history, survey review entry) are deleted this long after closing. */
  closedRetentionSeconds: number;
  /** How long a taken due entry stays leased (default DUE_LEASE_MS). */
  leaseMs?: number;
}

/**
 * Every skill group, in the fixed order in which the scripts that move a handoff between queues
 * (open, claim, claimNext, transfer, close, toCallback) get their queue keys (last in KEYS) and
 * their names (in ARGV): a handoff's group is read inside the script, so every queue it might be
 * in is passed. The count is part of those scripts' file names (e.g. open-15.lua = 7 + 8).
 */
const GROUPS: readonly SkillGroup[] = SkillGroup.options;

/** How many of a customer's handoffs the history index keeps. */
const HISTORY_KEPT = 50;
/** How far back the creation-time index reaches (the charts show the last 24 hours). */
const CREATED_KEPT_MS = 2 * 24 * 3600_000;

/** The store for many processes: every transition is one Lua script (infra/redis/lua/). */

export class RedisHandoffStore implements HandoffStore {
  readonly redis: RedisWithScripts;
  readonly keys: RedisKeys;
  /** Every skill group's queue key, in the order of GROUPS. */
  private readonly queueKeys: string[];

  constructor(
    redis: Redis,
    private readonly options: RedisStoreOptions,
  ) {
    this.redis = loadScripts(redis);
    this.keys = new RedisKeys(options.namespace);
    this.queueKeys = this.keys.queues(GROUPS);
  }

  async open(record: HandoffRecord): Promise<{ created: boolean; handoff: HandoffRecord }> {
    const k = this.keys;
    const [created, id] = (await run(
      this.redis,
      'open',
      k.open,
      k.handoff(record.id),
      k.sla,
      k.deadlines,
      k.callbacks,
      k.customer(record.packet.customer.id),
      k.created,
      ...this.queueKeys,
      record.conversationId,
      record.id,
      record.reasons[0],
      PRIORITY_RANK[record.priority],
      record.slaDueAt,
      record.group,
      record.createdAt,
      JSON.stringify(record.packet),
      JSON.stringify(record.reference),
      k.handoffPrefix,
      HISTORY_KEPT,
      record.createdAt - CREATED_KEPT_MS,
      this.options.ttlSeconds,
      ...GROUPS,
    )) as [number, string];
    // Created: it is the record just written, not read back (the event leaves a round trip sooner).
    if (created === ScriptCode.ok) return { created: true, handoff: record };
    if (created === ScriptCode.idTaken) throw new HandoffIdTakenError(record.id);
    const handoff = await this.get(id);
    if (!handoff) throw new Error(`handoff ${id} vanished right after open`);
    return { created: false, handoff };
  }

  /** The records of `ids` that still exist, in the same order (read together: one round trip). */
  private async getAll(ids: readonly string[]): Promise<HandoffRecord[]> {
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is HandoffRecord => r !== undefined);
  }

  async get(id: string): Promise<HandoffRecord | undefined> {
    const [hash, transfers] = await Promise.all([this.redis.hgetall(this.keys.handoff(id)), this.redis.lrange(this.keys.transfers(id), 0, -1)]);
    return Object.keys(hash).length === 0 ? undefined : this.record(hash, transfers);
  }

  /** A handoff from its stored hash and transfer history, validated. */
  private record(hash: Record<string, string>, transfers: string[]): HandoffRecord {
    const r = RecordHash.parse(hash);
    return {
      id: r.id,
      conversationId: r.conversationId,
      status: r.status,
      reasons: r.reasons,
      group: r.group,
      priority: PRIORITIES_BY_RANK[r.rank],
      createdAt: r.createdAt,
      slaDueAt: r.slaDueAt,
      assignedTo: r.assignedTo,
      assignedAt: r.assignedAt,
      closedAt: r.closedAt,
      resolution: r.resolution,
      tags: r.tags,
      transfers: transfers.map((t) => Transfer.parse(JSON.parse(t))),
      packet: r.packet,
      reference: r.reference,
      survey: r.survey,
      ...(r.callbackDueAt !== undefined ? { callback: { dueAt: r.callbackDueAt, ...(r.callbackPhone ? { phone: r.callbackPhone } : {}) } } : {}),
    };
  }

  async openFor(conversationId: string): Promise<HandoffRecord | undefined> {
    const id = await this.redis.hget(this.keys.open, conversationId);
    return id ? this.get(id) : undefined;
  }

  async openOrArm(conversationId: string, dueAt: number | undefined): Promise<{ open: HandoffRecord | undefined; armed: boolean }> {
    const k = this.keys;
    const reply = OpenOrArmReply.parse(
      await run(this.redis, 'openOrArm', k.deadlines, k.open, conversationId, dueAt ?? '', k.handoffPrefix, k.transfersPrefix),
    );
    const [armed, flat, transfers] = reply;
    return { open: flat.length ? this.fromFlat(flat, transfers) : undefined, armed: armed === ScriptCode.ok };
  }

  async claim(id: string, agent: AgentRef, now: number): Promise<TransitionResult> {
    const k = this.keys;
    const reply = await run(
      this.redis,
      'claim',
      k.handoff(id),
      k.loads,
      k.sla,
      k.callbacks,
      k.holders,
      k.transfers(id),
      ...this.queueKeys,
      agent.id,
      agent.capacity,
      now,
      ...GROUPS,
    );
    return this.transition(reply);
  }

  async claimNext(agent: AgentRef, groups: readonly SkillGroup[], now: number): Promise<HandoffRecord | undefined> {
    const k = this.keys;
    const claimed = ClaimNextReply.parse(
      await run(
        this.redis,
        'claimNext',
        k.loads,
        k.sla,
        k.holders,
        ...this.queueKeys,
        agent.id,
        agent.capacity,
        now,
        k.handoffPrefix,
        k.transfersPrefix,
        ...GROUPS,
        ...groups,
      ),
    );
    return claimed ? this.fromFlat(claimed[1], claimed[2]) : undefined;
  }

  async transfer(id: string, by: AgentRef, to: { group: SkillGroup } | { agent: AgentRef }, note: string | undefined, now: number): Promise<TransitionResult> {
    const k = this.keys;
    const entry = { at: now, by: by.id, ...('group' in to ? { toGroup: to.group } : { toAgent: to.agent.id }), ...(note ? { note } : {}) };
    const reply = await run(
      this.redis,
      'transfer',
      k.handoff(id),
      k.loads,
      k.transfers(id),
      k.callbacks,
      k.sla,
      k.holders,
      ...this.queueKeys,
      by.id,
      by.supervisor ? '1' : '0',
      'group' in to ? to.group : '',
      'agent' in to ? to.agent.id : '',
      'agent' in to ? to.agent.capacity : 0,
      JSON.stringify(entry),
      now,
      ...GROUPS,
    );
    return this.transition(reply);
  }

  async close(id: string, by: AgentRef, resolution: string, tags: string[], now: number): Promise<TransitionResult> {
    const k = this.keys;
    const reply = await run(
      this.redis,
      'close',
      k.handoff(id),
      k.loads,
      k.open,
      k.sla,
      k.transfers(id),
      k.callbacks,
      k.holders,
      ...this.queueKeys,
      by.id,
      by.supervisor ? '1' : '0',
      resolution,
      JSON.stringify(tags),
      now,
      this.options.closedRetentionSeconds * 1000,
      ...GROUPS,
    );
    return this.transition(reply);
  }

  async toCallback(id: string, now: number, promise: CallbackPromise): Promise<TransitionResult> {
    const k = this.keys;
    return this.transition(
      await run(
        this.redis,
        'toCallback',
        k.handoff(id),
        k.callbacks,
        k.sla,
        k.loads,
        k.holders,
        k.transfers(id),
        ...this.queueKeys,
        now,
        promise.dueAt,
        promise.phone ?? '',
        ...GROUPS,
      ),
    );
  }

  async updatePacket(id: string, update: (packet: ContextPacket) => ContextPacket): Promise<boolean> {
    const key = this.keys.handoff(id);
    // Compare-and-set: a packet replaced meanwhile (a more urgent trigger) is read again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const raw = await this.redis.hget(key, 'packet');
      if (raw === null) return false;
      const next = ContextPacket.parse(update(ContextPacket.parse(JSON.parse(raw))));
      const code = (await run(this.redis, 'replacePacket', key, raw, JSON.stringify(next))) as number;
      if (code === ScriptCode.ok) return true;
      if (code !== ScriptCode.notQueued) return false;
    }
    return false;
  }

  async setCallbackPhone(id: string, phone: string): Promise<TransitionResult> {
    return this.transition(await run(this.redis, 'setCallbackPhone', this.keys.handoff(id), this.keys.transfers(id), phone));
  }

  async saveSurvey(id: string, survey: Survey): Promise<TransitionResult> {
    const k = this.keys;
    return this.transition(
      await run(
        this.redis,
        'saveSurvey',
        k.handoff(id),
        k.flagged,
        k.transfers(id),
        JSON.stringify(survey),
        survey.flagged ? '1' : '0',
        Date.parse(survey.at),
        this.options.closedRetentionSeconds * 1000,
      ),
    );
  }

  async queued(options: QueueRead = {}): Promise<HandoffRecord[]> {
    if (options.limit !== undefined && options.limit <= 0) return [];
    const stop = options.limit === undefined ? -1 : options.limit - 1;
    const keys = options.waiting === false ? [] : options.groups ? this.keys.queues([...new Set(options.groups)]) : this.queueKeys;
    const [heads, callbacks] = await Promise.all([
      Promise.all(keys.map((key) => this.redis.zrange(key, 0, stop, 'WITHSCORES'))),
      options.callbacks === false ? [] : this.redis.zrange(this.keys.callbacks, 0, stop),
    ]);
    // Each queue's head, merged in serving order; only the first `limit` of them are read.
    const entries: Array<{ id: string; score: number }> = [];
    for (const head of heads) for (let i = 0; i + 1 < head.length; i += 2) entries.push({ id: head[i], score: Number(head[i + 1]) });
    entries.sort((a, b) => a.score - b.score);
    const ids = entries.slice(0, options.limit ?? entries.length).map((e) => e.id);
    // An id read from a queue and then from the tickets (it became one between the reads) is read once.
    const records = await this.getAll([...new Set([...ids, ...callbacks])]);
    const queued = records.filter((r) => r.status === 'queued').sort((a, b) => queueScore(a.priority, a.createdAt) - queueScore(b.priority, b.createdAt));
    const due = (r: HandoffRecord) => r.callback?.dueAt ?? r.createdAt;
    const tickets = records.filter((r) => r.status === 'callback' && (!options.groups || options.groups.includes(r.group)));
    return [...queued, ...tickets.sort((a, b) => due(a) - due(b))];
  }

  async queueStats(): Promise<QueueStats> {
    const stats: QueueStats = { waiting: {}, oldestCreatedAt: {} };
    // Per group and priority: a count and the oldest entry, from the score's ranges (no record read).
    await Promise.all(
      GROUPS.flatMap((group) =>
        PRIORITIES_BY_RANK.map(async (priority) => {
          // A priority's band of scores: rank * 1e13 + createdAt.
          const from = queueScore(priority, 0);
          const to = `(${from + 1e13}`;
          const [count, oldest] = await Promise.all([
            this.redis.zcount(this.keys.queue(group), from, to),
            this.redis.zrangebyscore(this.keys.queue(group), from, to, 'WITHSCORES', 'LIMIT', 0, 1),
          ]);
          if (count === 0 || oldest.length < 2) return; // emptied between the two reads
          (stats.waiting[group] ??= { urgent: 0, high: 0, normal: 0 })[priority] = count;
          const createdAt = Number(oldest[1]) - from;
          stats.oldestCreatedAt[group] = Math.min(stats.oldestCreatedAt[group] ?? Infinity, createdAt);
        }),
      ),
    );
    return stats;
  }

  async slaBreached(now: number, limit: number): Promise<HandoffRecord[]> {
    const ids = z.array(z.string()).parse(await run(this.redis, 'slaBreached', ...this.queueKeys, now, limit, this.keys.handoffPrefix));
    return (await this.getAll(ids)).filter((r) => r.status === 'queued');
  }

  /**
   * From the holders index, as heldBy: the open index also lists every customer waiting, thousands
   * at peak hour. No index while agents hold chats means they were assigned before it existed: read
   * the slow way and indexed, once.
   */
  async assigned(): Promise<HandoffRecord[]> {
    const [holders, loads] = await Promise.all([this.redis.hgetall(this.keys.holders), this.redis.hgetall(this.keys.loads)]);
    const held = (await this.getAll(Object.keys(holders))).filter((r) => r.status === 'assigned');
    if (held.length > 0 || !Object.values(loads).some((x) => Number(x) > 0)) return held;
    const all = await this.everyAssigned();
    if (all.length > 0) await this.redis.hset(this.keys.holders, Object.fromEntries(all.map((h) => [h.id, h.assignedTo ?? ''])));
    return all;
  }

  /** The slow way: every open handoff read (for handoffs assigned before the holders index existed). */
  private async everyAssigned(): Promise<HandoffRecord[]> {
    const ids = Object.values(await this.redis.hgetall(this.keys.open));
    return (await this.getAll(ids)).filter((r) => r.status === 'assigned');
  }

  /**
   * From the holders index the claim, transfer, requeue, callback and close scripts keep. No index
   * while the agent holds chats means they were assigned before it existed: read the slow way (every
   * open handoff) and indexed, once. (Not "fewer found than the load": a claim landing between the
   * reads would send every such read the slow way at peak hour.)
   */
  async heldBy(agentId: string): Promise<HandoffRecord[]> {
    const [holders, load] = await Promise.all([this.redis.hgetall(this.keys.holders), this.redis.hget(this.keys.loads, agentId)]);
    const ids = Object.keys(holders).filter((id) => holders[id] === agentId);
    const held = (await this.getAll(ids)).filter((r) => r.status === 'assigned' && r.assignedTo === agentId);
    if (Object.keys(holders).length > 0 || Number(load ?? 0) <= 0) return held;
    const all = (await this.everyAssigned()).filter((h) => h.assignedTo === agentId);
    if (all.length > 0) await this.redis.hset(this.keys.holders, Object.fromEntries(all.map((h) => [h.id, agentId])));
    return all;
  }

  async createdSince(since: number, limit: number): Promise<HandoffRecord[]> {
    const ids = await this.redis.zrangebyscore(this.keys.created, since, '+inf', 'LIMIT', 0, limit);
    return this.getAll(ids);
  }

  async customerHistory(customerId: string, limit: number): Promise<HandoffRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.customer(customerId), 0, Math.min(limit, HISTORY_KEPT) - 1);
    return this.getAll(ids);
  }

  async flagged(limit: number): Promise<HandoffRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.flagged, 0, limit - 1);
    return this.getAll(ids);
  }

  async loads(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.keys.loads);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, int.parse(v)]));
  }

  async setPresence(agentId: string, presence: AgentPresence): Promise<void> {
    await this.redis.hset(this.keys.presence, agentId, presence);
  }

  async presence(): Promise<Record<string, AgentPresence>> {
    const raw = await this.redis.hgetall(this.keys.presence);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, AgentPresence.parse(v)]));
  }

  async requeue(id: string, agentId: string, note: string, now: number): Promise<TransitionResult> {
    const k = this.keys;
    const entry = JSON.stringify({ at: now, by: 'system', note });
    const reply = await run(
      this.redis,
      'requeue',
      k.handoff(id),
      k.loads,
      k.sla,
      k.transfers(id),
      k.callbacks,
      k.holders,
      ...this.queueKeys,
      agentId,
      entry,
      now,
      ...GROUPS,
    );
    return this.transition(reply);
  }

  async touchAgent(agentId: string, now: number): Promise<void> {
    await this.redis.hset(this.keys.seen, agentId, now);
  }

  async lastSeen(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.keys.seen);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, int.parse(v)]));
  }

  async waitingWith(match: { priority: Priority; reason: HandoffReason }, before: number, limit: number): Promise<HandoffRecord[]> {
    const ids = z
      .array(z.string())
      .parse(await run(this.redis, 'waitingWith', ...this.queueKeys, before, PRIORITY_RANK[match.priority], match.reason, limit, this.keys.handoffPrefix));
    const records = (await this.getAll(ids)).filter((r) => r.status === 'queued');
    return records.sort((a, b) => queueScore(a.priority, a.createdAt) - queueScore(b.priority, b.createdAt));
  }

  async ahead(groups: readonly SkillGroup[], score: number): Promise<number> {
    const counts = await Promise.all([...new Set(groups)].map((g) => this.redis.zcount(this.keys.queue(g), '-inf', `(${score}`)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async waiting(): Promise<number> {
    const counts = await Promise.all(this.queueKeys.map((key) => this.redis.zcard(key)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async callbacksWaiting(): Promise<number> {
    return this.redis.zcard(this.keys.callbacks);
  }

  async recordHandleTime(group: SkillGroup, ms: number, initialMs: number): Promise<void> {
    await run(this.redis, 'recordHandleTime', this.keys.handleTimes, group, Math.round(ms), Math.round(initialMs), HANDLE_TIME_WEIGHT);
  }

  async handleTimes(): Promise<Partial<Record<SkillGroup, number>>> {
    const raw = await this.redis.hgetall(this.keys.handleTimes);
    return Object.fromEntries(Object.entries(raw).map(([g, v]) => [SkillGroup.parse(g), int.parse(v)]));
  }

  async scheduleTimer(kind: TimerKind, member: string, at: number, onlyIfAbsent: boolean): Promise<void> {
    await run(this.redis, 'scheduleTimer', this.keys.timers(kind), member, at, onlyIfAbsent ? '1' : '0');
  }

  async cancelTimers(kind: TimerKind, members: string[]): Promise<void> {
    if (members.length) await this.redis.zrem(this.keys.timers(kind), ...members);
  }

  async takeDueTimers(kind: TimerKind, now: number, limit: number): Promise<string[]> {
    return this.takeDue(this.keys.timers(kind), now, limit);
  }

  async appendTranscript(conversationId: string, entry: TranscriptEntry): Promise<void> {
    if (this.options.transcriptEntries === 0) return;
    const key = this.keys.transcript(conversationId);
    await run(this.redis, 'appendTranscript', key, JSON.stringify(entry), this.options.transcriptEntries, this.options.ttlSeconds);
  }

  async transcript(conversationId: string): Promise<TranscriptEntry[]> {
    const raw = await this.redis.lrange(this.keys.transcript(conversationId), 0, -1);
    return raw.map((x) => TranscriptEntry.parse(JSON.parse(x)));
  }

  async setReference(reference: StoredReference): Promise<void> {
    await this.redis.set(this.keys.reference(reference.conversation.id), JSON.stringify(reference), 'EX', this.options.ttlSeconds);
  }

  async recordCustomer(reference: StoredReference, entry: TranscriptEntry | undefined): Promise<void> {
    const { ttlSeconds, transcriptEntries } = this.options;
    const id = reference.conversation.id;
    const line = entry && transcriptEntries > 0 ? JSON.stringify(entry) : '';
    await run(this.redis, 'recordCustomer', this.keys.reference(id), this.keys.transcript(id), JSON.stringify(reference), ttlSeconds, line, transcriptEntries);
  }

  async reference(conversationId: string): Promise<StoredReference | undefined> {
    const raw = await this.redis.get(this.keys.reference(conversationId));
    return raw ? Reference.parse(JSON.parse(raw)) : undefined;
  }

  async armDeadline(conversationId: string, dueAt: number): Promise<boolean> {
    return (await this.openOrArm(conversationId, dueAt)).armed; // one arming rule: openOrArm-2.lua's
  }

  async clearDeadline(conversationId: string): Promise<boolean> {
    return (await this.redis.zrem(this.keys.deadlines, conversationId)) === 1;
  }

  async scheduleNotice(id: string, at: number): Promise<void> {
    await this.redis.zadd(this.keys.notices, at, id);
  }

  async takeDueNotices(now: number, limit: number): Promise<string[]> {
    return this.takeDue(this.keys.notices, now, limit);
  }

  async takeDueDeadlines(now: number, limit: number): Promise<string[]> {
    return this.takeDue(this.keys.deadlines, now, limit);
  }

  async takeSlaBreaches(now: number, limit: number): Promise<string[]> {
    return this.takeDue(this.keys.sla, now, limit);
  }

  async ping(): Promise<boolean> {
    try {
      await this.redis.ping();
      return true;
    } catch {
      return false;
    }
  }

  async dispose(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  async acknowledge(queue: DueQueue, members: readonly string[]): Promise<void> {
    if (members.length) await this.redis.zrem(this.keys.leases(this.dueKey(queue)), ...members);
  }

  private takeDue(key: string, now: number, limit: number): Promise<string[]> {
    return run(this.redis, 'takeDue', key, this.keys.leases(key), now, limit, this.options.leaseMs ?? DUE_LEASE_MS) as Promise<string[]>;
  }

  private dueKey(queue: DueQueue): string {
    if (queue === 'deadlines') return this.keys.deadlines;
    if (queue === 'sla') return this.keys.sla;
    if (queue === 'notices') return this.keys.notices;
    return this.keys.timers(queue);
  }

  /** A transition script's answer as the store's result: its refusal, or the record it left. */
  private transition(reply: unknown): TransitionResult {
    const r = TransitionReply.parse(reply);
    if (typeof r !== 'number') return { ok: true, handoff: this.fromFlat(r[1], r[2]) };
    return { ok: false, error: r in SCRIPT_ERRORS ? SCRIPT_ERRORS[r as keyof typeof SCRIPT_ERRORS] : 'not_found' };
  }

  /** A record from a script's reply: HGETALL's flat field/value list and the transfer lines. */
  private fromFlat(flat: string[], transfers: string[]): HandoffRecord {
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]] = flat[i + 1];
    return this.record(hash, transfers);
  }
}
