/**
 * Every Redis key kefu uses, built here and nowhere else. Handoff keys share one hash tag, so
 * the multi-key Lua scripts work on Redis Cluster (they land in one slot); per-conversation
 * state and transcripts carry the conversation's own tag and spread across the cluster.
 */
export class RedisKeys {
  /** e.g. "{kefu}:" — the prefix of every handoff key. */
  readonly tag: string;

  constructor(private readonly namespace: string) {
    this.tag = `{${namespace}}:`;
  }

  handoff(id: string): string {
    return `${this.tag}handoff:${id}`;
  }
  /**
   * What `handoff(id)` puts before the id. Only for a Lua script that learns a handoff's id while
   * it runs (so cannot be given that record's key in KEYS): it appends the id to this. The key keeps
   * the hash tag, so it is in the same Cluster slot as the script's other keys.
   */
  get handoffPrefix(): string {
    return this.handoff('');
  }
  transfers(id: string): string {
    return `${this.tag}transfers:${id}`;
  }
  /** What `transfers(id)` puts before the id: as `handoffPrefix`, for a script that learns the id. */
  get transfersPrefix(): string {
    return this.transfers('');
  }
  queue(group: string): string {
    return `${this.tag}queue:${group}`;
  }
  /** The queues of these skill groups, in the same order. */
  queues(groups: readonly string[]): string[] {
    return groups.map((g) => this.queue(g));
  }
  get open(): string {
    return `${this.tag}open`;
  }
  /** Who holds each assigned handoff (handoff id → agent id): an agent's own list without reading every open handoff. */
  get holders(): string {
    return `${this.tag}holders`;
  }
  get loads(): string {
    return `${this.tag}load`;
  }
  get presence(): string {
    return `${this.tag}presence`;
  }
  get callbacks(): string {
    return `${this.tag}callbacks`;
  }
  get sla(): string {
    return `${this.tag}sla`;
  }
  get deadlines(): string {
    return `${this.tag}deadlines`;
  }
  /** Every handoff by creation time, for two days (a read index for the supervisor's charts). */
  get created(): string {
    return `${this.tag}created`;
  }
  /** The customer's handoffs by creation time (a read index for the agent's history view). */
  customer(customerId: string): string {
    return `${this.tag}customer:${customerId}`;
  }
  get flagged(): string {
    return `${this.tag}flagged`;
  }
  get seen(): string {
    return `${this.tag}seen`;
  }
  get handleTimes(): string {
    return `${this.tag}aht`;
  }
  timers(kind: string): string {
    return `${this.tag}timers:${kind}`;
  }
  /** The lease zset of a due zset (same hash tag, so the same Cluster slot). */
  leases(dueKey: string): string {
    return `${dueKey}:leased`;
  }
  get notices(): string {
    return `${this.tag}notices`;
  }
  get events(): string {
    return `${this.namespace}:events`;
  }
  transcript(conversationId: string): string {
    return `${this.namespace}:transcript:{${conversationId}}`;
  }
  reference(conversationId: string): string {
    return `${this.namespace}:ref:{${conversationId}}`;
  }
  state(storageKey: string): string {
    return `${this.namespace}:state:{${storageKey}}`;
  }
  turnLock(conversationId: string): string {
    return `${this.namespace}:turnlock:{${conversationId}}`;
  }
  /** A Direct Line conversation's activities, and how many older ones were dropped. */
  directLine(conversationId: string): string {
    return `${this.namespace}:dl:{${conversationId}}`;
  }
  directLineDropped(conversationId: string): string {
    return `${this.namespace}:dl:{${conversationId}}:dropped`;
  }
  kv(key: string): string {
    return `${this.namespace}:kv:{${key}}`;
  }
}
