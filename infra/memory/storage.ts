import type { Storage, StoreItems } from 'botbuilder';
import { flatten } from './packed';

/**
 * botbuilder's MemoryStorage never forgets: this one keeps at most `maxEntries` conversations,
 * drops the least recently used first, and expires entries idle for `ttlMs`. eTags behave as in
 * MemoryStorage (a stale eTag is rejected; `*` always writes).
 */
export class BoundedMemoryStorage implements Storage {
  private readonly entries = new Map<string, { json: string; eTag: string; touched: number }>();
  private nextETag = 1;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (now - entry.touched > this.ttlMs) {
        this.entries.delete(key);
        continue;
      }
      items[key] = { ...(JSON.parse(entry.json) as object), eTag: entry.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const now = this.now();
    for (const [key, item] of Object.entries(changes)) {
      const existing = this.entries.get(key);
      const eTag = (item as { eTag?: string }).eTag;
      if (existing && eTag && eTag !== '*' && eTag !== existing.eTag) {
        throw new Error(`storage write for "${key}" rejected: eTag conflict`);
      }
      const { eTag: _ignored, ...data } = item as Record<string, unknown>;
      this.entries.delete(key); // re-insert so Map order is least → most recently used
      const next = String(this.nextETag++);
      this.entries.set(key, { json: flatten(JSON.stringify(data)), eTag: next, touched: now });
      (item as { eTag?: string }).eTag = next; // reported back, as botbuilder's MemoryStorage does (fencing reads it)
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}
