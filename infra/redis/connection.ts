import Redis from 'ioredis';

export type { Redis };

export interface ConnectionOptions {
  /** A command that has not answered in this long fails instead of hanging the turn (a stalled Redis). */
  commandTimeoutMs?: number;
  /** Retries of a command whose connection dropped before it was answered. */
  maxRetriesPerRequest?: number;
}

/**
 * The one place kefu opens a Redis connection: command timeouts on, auto-pipelining on (a turn's
 * independent reads and writes share a round trip).
 */
export function createRedis(url: string, options: ConnectionOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 3,
    enableAutoPipelining: true,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  });
}

/**
 * Queues, deadlines and handoffs are keys: a Redis allowed to evict them would lose customers
 * without an error. Like BullMQ, refuse any policy but noeviction.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy').catch(() => undefined)) as string[] | undefined;
  // CONFIG may be disabled (managed Redis); then the operator is trusted.
  const policy = reply?.[1];
  if (policy !== undefined && policy !== 'noeviction') {
    return `Redis maxmemory-policy is "${policy}": kefu needs "noeviction" (an evicted queue or deadline loses a customer). Set it with CONFIG SET maxmemory-policy noeviction.`;
  }
  return undefined;
}

/**
 * Whether an error means Redis did not answer (stalled, restarting, unreachable) rather than a bug:
 * the request is refused with 503 + Retry-After, and the client sends it again.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|LOADING /.test(err.message);
}

/** Redis keeps nothing on disk: a restart drops every open handoff. A warning naming the risk, or undefined. */
export async function checkPersistence(redis: Redis): Promise<string | undefined> {
  const aof = (await redis.call('CONFIG', 'GET', 'appendonly').catch(() => undefined)) as string[] | undefined;
  const save = (await redis.call('CONFIG', 'GET', 'save').catch(() => undefined)) as string[] | undefined;
  if (aof?.[1] === undefined || save?.[1] === undefined) return undefined; // CONFIG disabled: the operator is trusted
  if (aof[1] === 'no' && save[1].trim() === '') {
    return 'Redis persists nothing (appendonly no, no save points): a Redis restart drops every open handoff, queue and deadline. Enable appendonly (appendfsync everysec) for production.';
  }
  return undefined;
}
