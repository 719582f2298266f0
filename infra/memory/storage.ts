import type { StoreItems } from 'botbuilder';
import { eTagConflict, type JsonStorage } from '../jsonStorage';
import { flatten } from './packed';

/**
 * botbuilder's MemoryStorage never forgets: this one keeps at most `maxEntries` conversations,
 * drops the least recently used first, and expires entries idle for `ttlMs`. eTags behave as in
 * MemoryStorage (a stale eTag is rejected; `*` always writes).
 */
export class BoundedMemoryStorage implements JsonStorage {
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
    for (const key of keys) {
      const entry = this.live(key);
      if (entry) items[key] = { ...(JSON.parse(entry.json) as object), eTag: entry.eTag };
    }
    return items;
  }

  async readJson(key: string): Promise<{ json: string; eTag: string } | undefined> {
    const entry = this.live(key);
    return entry && { json: entry.json, eTag: entry.eTag };
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = item as Record<string, unknown> & { eTag?: string };
      // Reported back on the item, as botbuilder's MemoryStorage does (fencing reads it).
      (item as { eTag?: string }).eTag = this.put(key, JSON.stringify(data), eTag);
    }
  }

  async writeJson(key: string, json: string, eTag: string | undefined): Promise<string> {
    return this.put(key, json, eTag);
  }

  private live(key: string): { json: string; eTag: string } | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.touched > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores `json` unless `eTag` is stale (undefined or `*`: unconditional); returns the new eTag. */
  private put(key: string, json: string, eTag: string | undefined): string {
    const existing = this.entries.get(key);
    if (existing && eTag && eTag !== '*' && eTag !== existing.eTag) throw eTagConflict(key);
    this.entries.delete(key); // re-insert so Map order is least → most recently used
    const next = String(this.nextETag++);
    this.entries.set(key, { json: flatten(json), eTag: next, touched: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return next;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}
