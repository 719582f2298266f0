import { randomUUID } from 'node:crypto';
import type { TurnLock } from '../turnLock';
import { TurnQueue } from '../memory/turnQueue';
import type { RedisKeys } from './keys';
import { run, type RedisWithScripts } from './scripts';

/**
 * Many processes: the local queue first, then a Redis lock (SET NX PX) per conversation, released
 * by compare-and-delete. A holder that dies leaves a lock that expires after `ttlMs`.
 */
export class RedisTurnLock implements TurnLock {
  private readonly local = new TurnQueue();

  constructor(
    private readonly redis: RedisWithScripts,
    private readonly keys: RedisKeys,
    private readonly ttlMs = 15_000,
    private readonly waitMs = 10_000,
  ) {}

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(conversationId, async () => {
      const key = this.keys.turnLock(conversationId);
      const token = randomUUID();
      const started = Date.now();
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') break;
        if (Date.now() - started > this.waitMs) throw new Error(`conversation ${conversationId} is busy on another instance`);
        await new Promise((r) => setTimeout(r, delay));
      }
      try {
        return await work();
      } finally {
        await run(this.redis, 'compareAndDelete', key, token).catch(() => undefined);
      }
    });
  }
}
