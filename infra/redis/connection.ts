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
