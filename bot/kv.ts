import type Redis from 'ioredis';

/** Small shared facts with a lifetime: dedup marks, cached tokens, locks, last-seen times. */
export interface KeyValueStore {
  /** Sets the key only if it is absent; true when this caller set it (atomic across instances). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  del(key: string): Promise<void>;
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
}
