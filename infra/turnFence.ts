import { AsyncLocalStorage } from 'node:async_hooks';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';

/**
 * Fencing for conversation state. botbuilder's BotState writes every item with eTag "*" (last
 * writer wins), so a turn that outlived its turn lock — its process paused past the lease while
 * another instance ran the next turn — would overwrite the newer state. Inside a turn (a scope
 * opened by the turn lock) FencedStorage remembers the eTag of each item it read and writes with
 * it: the stale turn's write is refused (eTag conflict) and the newer state stays.
 */
const turn = new AsyncLocalStorage<Map<string, string>>();

/** Runs one turn's work in its own fencing scope. */
export function withTurnFence<T>(work: () => Promise<T>): Promise<T> {
  return turn.run(new Map(), work);
}

/** The Storage botbuilder is given: the backend's storage, fenced inside turns. */
export class FencedStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const seen = turn.getStore();
    if (seen) {
      for (const [key, item] of Object.entries(items)) {
        const eTag = (item as { eTag?: unknown }).eTag;
        if (typeof eTag === 'string' && eTag !== '*') seen.set(key, eTag);
      }
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const seen = turn.getStore();
    if (!seen) return this.inner.write(changes);
    const fenced: StoreItems = {};
    for (const [key, item] of Object.entries(changes) as Array<[string, StoreItem]>) {
      const read = seen.get(key);
      fenced[key] = read !== undefined && isUnconditional(item) ? { ...item, eTag: read } : item;
    }
    await this.inner.write(fenced);
    // The storages report the eTag they wrote on the item: the turn's next write is fenced by it.
    for (const [key, item] of Object.entries(fenced)) {
      const written = (item as { eTag?: unknown }).eTag;
      if (typeof written === 'string' && written !== '*') seen.set(key, written);
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

function isUnconditional(item: unknown): boolean {
  const eTag = (item as { eTag?: unknown }).eTag;
  return eTag === undefined || eTag === '*' || eTag === '';
}

/** Whether a turn's error is its state write being fenced out (a later turn wrote first). */
export function isFencedOut(err: unknown): boolean {
  return err instanceof Error && err.message.includes('rejected: eTag conflict');
}
