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
 * ioredis's auto-pipelining stays off: every batch it sends is an ioredis `Pipeline`, which
 * defines an accessor on each instance, and V8 then keeps the batch — its commands, their replies
 * and the turns awaiting them — alive through young-generation collections (2.5 times as much
 * copied and promoted, BENCHMARKS.md). What it bought, one write for the commands of a loop turn,
 * `coalesceWrites` does on the socket.
 */
export function createRedis(target: string | RedisTarget, options: ConnectionOptions = {}): Redis {
  const common = {
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
  const where = typeof target === 'string' ? { url: target } : target;
  if ('url' in where) return coalesceWrites(new IORedis(where.url, common));
  // Cluster: the client follows MOVED/ASK itself; a command is retried while slots move.
  const cluster = new Cluster(
    where.clusterNodes.map((n) => ({ host: n.host, port: n.port })),
    { redisOptions: common, slotsRefreshTimeout: 2000 },
  );
  cluster.on('+node', (node: IORedis) => coalesceWrites(node));
  return cluster;
}

/**
 * The commands a loop turn issues leave in one write: each socket the connection opens is corked
 * at its first write and uncorked once pending I/O has run (setImmediate), as ioredis's
 * auto-pipelining defers its batch. Nothing waits on a reply: a command issued while others are in
 * flight goes out with the next write. Saturated, this is worth a fifth of kefu's throughput on the
 * Redis store (BENCHMARKS.md).
 */
export function coalesceWrites<C extends IORedis>(connection: C): C {
  const patched = new WeakSet();
  connection.on('connect', () => {
    const socket = connection.stream;
    if (patched.has(socket)) return;
    patched.add(socket);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    let corked = false;
    const uncork = () => {
      corked = false;
      socket.uncork();
    };
    socket.write = (...args: unknown[]) => {
      if (!corked) {
        corked = true;
        socket.cork();
        setImmediate(uncork);
      }
      return write(...args);
    };
  });
  return connection;
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
