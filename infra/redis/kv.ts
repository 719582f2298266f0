import type { KeyValueStore } from '../kv';
import type { RedisKeys } from './keys';
import { run, type RedisWithScripts } from './scripts';

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: RedisWithScripts,
    private readonly keys: RedisKeys,
  ) {}

  private k(key: string): string {
    return this.keys.kv(key);
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
    return (await run(this.redis, 'increment', this.k(key), ttlMs)) as number;
  }

  async replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    return ((await run(this.redis, 'compareAndSet', this.k(key), expected, value, ttlMs)) as number) === 1;
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    await run(this.redis, 'compareAndDelete', this.k(key), value);
  }
}
