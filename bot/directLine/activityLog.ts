import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { fromRoot } from '../paths';

/** A Direct Line conversation's activities, in order; the watermark is the count already read. */
export interface ActivityLog {
  append(conversationId: string, activity: Record<string, unknown>): Promise<number>;
  since(conversationId: string, watermark: number): Promise<{ activities: Array<Record<string, unknown>>; watermark: number }>;
}

export class MemoryActivityLog implements ActivityLog {
  /** Per conversation: activities kept, and how many older ones were dropped (watermarks stay absolute). */
  private readonly logs = new Map<string, { dropped: number; items: Array<Record<string, unknown>> }>();

  constructor(private readonly maxConversations = 10_000, private readonly maxActivities = 1000) {}

  async append(conversationId: string, activity: Record<string, unknown>): Promise<number> {
    let log = this.logs.get(conversationId);
    if (!log) {
      log = { dropped: 0, items: [] };
      this.logs.set(conversationId, log);
      if (this.logs.size > this.maxConversations) this.logs.delete(this.logs.keys().next().value as string);
    }
    log.items.push(activity);
    if (log.items.length > this.maxActivities) {
      log.items.shift();
      log.dropped += 1;
    }
    return log.dropped + log.items.length;
  }

  async since(conversationId: string, watermark: number): Promise<{ activities: Array<Record<string, unknown>>; watermark: number }> {
    const log = this.logs.get(conversationId) ?? { dropped: 0, items: [] };
    return { activities: log.items.slice(Math.max(0, watermark - log.dropped)), watermark: log.dropped + log.items.length };
  }
}

/** Shared by every instance: a Redis list per conversation (the newest activities), with a TTL. */
export class RedisActivityLog implements ActivityLog {
  private readonly redis: Redis & {
    kefu_dlAppend_v1(list: string, dropped: string, activity: string, max: number, ttl: number): Promise<number>;
    kefu_dlSince_v1(list: string, dropped: string, watermark: number): Promise<[number, ...string[]]>;
  };

  constructor(redis: Redis, private readonly namespace: string, private readonly ttlSeconds: number, private readonly maxActivities = 1000) {
    for (const [name, file] of [['kefu_dlAppend_v1', 'append'], ['kefu_dlSince_v1', 'since']]) {
      redis.defineCommand(name, { numberOfKeys: 2, lua: readFileSync(fromRoot(`bot/directLine/lua/${file}.lua`), 'utf8') });
    }
    this.redis = redis as RedisActivityLog['redis'];
  }

  private key(conversationId: string): string {
    return `${this.namespace}:dl:{${conversationId}}`;
  }

  private droppedKey(conversationId: string): string {
    return `${this.namespace}:dl:{${conversationId}}:dropped`;
  }

  async append(conversationId: string, activity: Record<string, unknown>): Promise<number> {
    return this.redis.kefu_dlAppend_v1(this.key(conversationId), this.droppedKey(conversationId), JSON.stringify(activity), this.maxActivities, this.ttlSeconds);
  }

  async since(conversationId: string, watermark: number): Promise<{ activities: Array<Record<string, unknown>>; watermark: number }> {
    const [next, ...raw] = await this.redis.kefu_dlSince_v1(this.key(conversationId), this.droppedKey(conversationId), watermark);
    const activities = raw.flatMap((r) => {
      try {
        return [JSON.parse(r) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    return { activities, watermark: Number(next) };
  }
}
