import type { TurnLock } from '../turnLock';
import { withTurnFence } from '../turnFence';
import { TurnQueue } from './turnQueue';

/** One process: an in-memory queue per conversation. */
export class LocalTurnLock implements TurnLock {
  private readonly queue = new TurnQueue();

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(conversationId, () => withTurnFence(work));
  }
}
