import type { KeyValueStore } from '../kv';

/** Expired entries are swept out every this many writes (a rate-limit bucket per conversation and minute would otherwise stay until evicted). */
const SWEEP_EVERY = 5_000;

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { value: string; expiresAt: number }>();
  private writes = 0;

  constructor(
    private readonly maxItems = 200_000,
    private readonly now: () => number = Date.now,
  ) {}

  // Check and set with no await in between: atomic within the process.
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== undefined) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  private write(key: string, value: string, ttlMs: number): void {
    this.items.delete(key);
    this.put(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Every write goes through here: the bound holds and expired entries do not pile up. */
  private put(key: string, item: { value: string; expiresAt: number }): void {
    this.items.set(key, item);
    if (this.items.size > this.maxItems) this.items.delete(this.items.keys().next().value as string);
    if (++this.writes % SWEEP_EVERY === 0) this.sweep();
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, item] of this.items) if (item.expiresAt <= now) this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }

  private read(key: string): string | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item.value;
  }

  async del(key: string): Promise<void> {
    this.items.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const current = this.items.get(key);
    const live = current && current.expiresAt > this.now() ? current : undefined;
    const next = Number(live?.value ?? 0) + 1;
    this.put(key, { value: String(next), expiresAt: live?.expiresAt ?? this.now() + ttlMs });
    return next;
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== expected) return false;
    this.put(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    if (this.read(key) === value) this.items.delete(key);
  }
}
