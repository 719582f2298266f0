import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { RedisKeys } from './keys';
import { run, ScriptCode, type RedisWithScripts } from './scripts';

/**
 * botbuilder Storage in Redis: each item a hash {json, eTag} with a TTL, written by one Lua script
 * that rejects a stale eTag. (BotState writes with eTag "*"; the turn lock keeps turns apart, and
 * FencedStorage turns a stale turn's "*" back into the eTag it read.)
 */
export class RedisStorage implements Storage {
  constructor(
    private readonly redis: RedisWithScripts,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const [json, eTag] = await this.redis.hmget(this.keys.state(key), 'json', 'eTag');
        if (json === null) return;
        try {
          items[key] = { ...(JSON.parse(json) as object), eTag: eTag ?? '*' };
        } catch {
          // A corrupt item is treated as absent: the conversation starts afresh rather than failing every turn.
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...data } = item as Record<string, unknown> & { eTag?: string };
        const next = randomUUID();
        const code = await run(this.redis, 'storageWrite', this.keys.state(key), JSON.stringify(data), eTag ?? '', next, this.ttlSeconds);
        if (code === ScriptCode.eTagConflict) throw new Error(`storage write for "${key}" rejected: eTag conflict`);
        (item as { eTag?: string }).eTag = next; // reported back, as botbuilder's MemoryStorage does (fencing reads it)
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map((k) => this.keys.state(k)));
  }
}
