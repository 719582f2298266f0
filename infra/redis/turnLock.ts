import { randomUUID } from 'node:crypto';
import { KefuError } from '../../kernel/errors';
import type { TurnLock } from '../turnLock';
import { TurnQueue } from '../memory/turnQueue';
import type { RedisKeys } from './keys';
import { run, type RedisWithScripts } from './scripts';

/**
 * Many processes: the local queue first, then a Redis lock per conversation with a short lease
 * that its holder renews while the turn runs (BullMQ's extendLock). A holder that dies — or whose
 * SET landed after it gave up (a stalled Redis) — stops renewing, the lease runs out within
 * `ttlMs`, and a waiter takes over: waiters wait longer than a lease, so a dead holder never makes
 * the next message fail. Released by compare-and-delete.
 */
export class RedisTurnLock implements TurnLock {
  private readonly local = new TurnQueue();

  constructor(
    private readonly redis: RedisWithScripts,
    private readonly keys: RedisKeys,
    private readonly ttlMs = 5_000,
    private readonly waitMs = ttlMs + 3_000,
  ) {}

  async run<T>(conversationId: string, work: () => Promise<T>, onWait?: () => Promise<void>): Promise<T> {
    let waited = false;
    const waiting = async () => {
      if (waited || !onWait) return;
      waited = true;
      await onWait().catch(() => undefined); // best effort: the turn itself records it when it runs
    };
    if (this.local.busy(conversationId)) await waiting();
    return this.local.run(conversationId, async () => {
      const key = this.keys.turnLock(conversationId);
      const token = randomUUID();
      const started = Date.now();
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') break;
        await waiting(); // another instance has the conversation
        if (Date.now() - started > this.waitMs) {
          throw new KefuError('store_unavailable', `conversation ${conversationId} is busy on another instance`);
        }
        await new Promise((r) => setTimeout(r, delay));
      }
      const renew = setInterval(() => {
        void run(this.redis, 'extendLock', key, token, this.ttlMs).catch(() => undefined);
      }, this.ttlMs / 3);
      try {
        return await work();
      } finally {
        clearInterval(renew);
        await run(this.redis, 'compareAndDelete', key, token).catch(() => undefined);
      }
    });
  }
}
