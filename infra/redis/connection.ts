import IORedis, { Cluster } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster: kefu's keys and scripts work on either. */
export type Redis = IORedis | Cluster;

/** Where kefu's Redis is: one server by URL, or a cluster by its seed nodes. */
export type RedisTarget = { url: string } | { clusterNodes: ReadonlyArray<{ host: string; port: number }> };

export interface ConnectionOptions {
  /** A command that has not answered in this long fails instead of hanging the turn (a stalled Redis). */
  commandTimeoutMs?: number;
  /** Retries of a command whose connection dropped before it was answered. */
  maxRetriesPerRequest?: number;
}

/**
 * The one place kefu opens a Redis connection: command timeouts on. A URL string is one server.
 *
 * ioredis's auto-pipelining stays off. A turn's independent commands still share a round trip
 * without it (each is written at once; none waits for another's reply). With it, every batch is an
 * ioredis `Pipeline`, which defines an accessor on each instance: V8 then keeps the batch — its
 * commands, their replies and the turns awaiting them — alive through young-generation
 * collections, which copied and promoted 2.5 times as much (BENCHMARKS.md). It also holds a
 * command issued while a batch is in flight until that whole batch has answered.
 */
export function createRedis(target: string | RedisTarget, options: ConnectionOptions = {}): Redis {
  const common = {
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
  const where = typeof target === 'string' ? { url: target } : target;
  if ('url' in where) return new IORedis(where.url, common);
  // Cluster: the client follows MOVED/ASK itself; a command is retried while slots move.
  return new Cluster(
    where.clusterNodes.map((n) => ({ host: n.host, port: n.port })),
    { redisOptions: common, slotsRefreshTimeout: 2000 },
  );
}

/**
 * What a Redis answers to a server-wide question (CONFIG GET): on a cluster, every master must
 * answer the same (an evicting policy on one master loses that master's keys).
 */
async function masters(redis: Redis): Promise<IORedis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  await redis.ping().catch(() => undefined); // the node list is known once the slots are
  return redis.nodes('master');
}

/**
 * Queues, deadlines and handoffs are keys: a Redis allowed to evict them would lose customers
 * without an error. Like BullMQ, refuse any policy but noeviction.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  for (const node of await masters(redis)) {
    const reply = (await node.call('CONFIG', 'GET', 'maxmemory-policy').catch(() => undefined)) as string[] | undefined;
    // CONFIG may be disabled (managed Redis); then the operator is trusted.
    const policy = reply?.[1];
    if (policy !== undefined && policy !== 'noeviction') {
      return `Redis maxmemory-policy is "${policy}"${nodeName(redis, node)}: kefu needs "noeviction" (an evicted queue or deadline loses a customer). Set it with CONFIG SET maxmemory-policy noeviction.`;
    }
  }
  return undefined;
}

function nodeName(redis: Redis, node: IORedis): string {
  return redis instanceof Cluster ? ` on ${node.options.host ?? '?'}:${node.options.port ?? '?'}` : '';
}

/**
 * Whether an error means Redis did not answer (stalled, restarting, unreachable) rather than a bug:
 * the request is refused with 503 + Retry-After, and the client sends it again.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  // …and on a cluster: no slot owner (CLUSTERDOWN), a slot migrating (TRYAGAIN), slots unknown.
  return /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|LOADING |CLUSTERDOWN|TRYAGAIN|Failed to refresh slots cache|None of startup nodes is available/.test(
    err.message,
  );
}

/** Redis keeps nothing on disk: a restart drops every open handoff. A warning naming the risk, or undefined. */
export async function checkPersistence(redis: Redis): Promise<string | undefined> {
  for (const node of await masters(redis)) {
    const aof = (await node.call('CONFIG', 'GET', 'appendonly').catch(() => undefined)) as string[] | undefined;
    const save = (await node.call('CONFIG', 'GET', 'save').catch(() => undefined)) as string[] | undefined;
    if (aof?.[1] === undefined || save?.[1] === undefined) continue; // CONFIG disabled: the operator is trusted
    if (aof[1] === 'no' && save[1].trim() === '') {
      return `Redis${nodeName(redis, node)} persists nothing (appendonly no, no save points): a Redis restart drops every open handoff, queue and deadline. Enable appendonly (appendfsync everysec) for production.`;
    }
  }
  return undefined;
}
