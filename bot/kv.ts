import type Redis from 'ioredis';

/** Small shared facts with a lifetime: dedup marks, cached tokens, locks, last-seen times. */
export interface KeyValueStore {
  /** Sets the key only if it is absent; true when this caller set it (atomic across instances). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  del(key: string): Promise<void>;
  /** Adds one and returns the new count; the count expires `ttlMs` after it was first set. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Deletes the key only if it still holds `value` (a lock released by its holder only). */
  deleteIfEquals(key: string, value: string): Promise<void>;
}

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly maxItems = 200_000, private readonly now: () => number = Date.now) {}

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
    this.items.set(key, { value, expiresAt: this.now() + ttlMs });
    if (this.items.size > this.maxItems) this.items.delete(this.items.keys().next().value as string);
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
    this.items.set(key, { value: String(next), expiresAt: live?.expiresAt ?? this.now() + ttlMs });
    return next;
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    if (this.read(key) === value) this.items.delete(key);
  }
}

export class RedisKeyValueStore implements KeyValueStore {
  constructor(private readonly redis: Redis, private readonly namespace: string) {}

  private k(key: string): string {
    return `${this.namespace}:kv:{${key}}`;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.k(key), value, 'PX', ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const k = this.k(key);
    const [[, count]] = (await this.redis.multi().incr(k).pexpire(k, ttlMs, 'NX').exec()) as [[null, number], unknown];
    return count;
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    // Compare-and-delete in one step, as handoff/lua/unlock.lua does for turn locks.
    await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, this.k(key), value);
  }
}
