import type { TurnLock } from '../turnLock';
import { TurnQueue } from './turnQueue';

/** One process: an in-memory queue per conversation. */
export class LocalTurnLock implements TurnLock {
  private readonly queue = new TurnQueue();

  async run<T>(conversationId: string, work: () => Promise<T>, onWait?: () => Promise<void>): Promise<T> {
    if (onWait && this.queue.busy(conversationId)) await onWait().catch(() => undefined);
    return this.queue.run(conversationId, work);
  }
}
