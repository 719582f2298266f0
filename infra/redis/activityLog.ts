import type { ActivityLog } from '../activityLog';
import type { RedisKeys } from './keys';
import { run, type RedisWithScripts } from './scripts';

/** Shared by every instance: a Redis list per conversation (the newest activities), with a TTL. */
export class RedisActivityLog implements ActivityLog {
  constructor(
    private readonly redis: RedisWithScripts,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
    private readonly maxActivities = 1000,
  ) {}

  async append(conversationId: string, activity: Record<string, unknown>): Promise<number> {
    return Number(
      await run(
        this.redis,
        'dlAppend',
        this.keys.directLine(conversationId),
        this.keys.directLineDropped(conversationId),
        JSON.stringify(activity),
        this.maxActivities,
        this.ttlSeconds,
      ),
    );
  }

  async since(conversationId: string, watermark: number): Promise<{ activities: Array<Record<string, unknown>>; watermark: number }> {
    const [next, ...raw] = (await run(this.redis, 'dlSince', this.keys.directLine(conversationId), this.keys.directLineDropped(conversationId), watermark)) as [
      number,
      ...string[],
    ];
    const activities = raw.flatMap((r) => {
      try {
        return [JSON.parse(r) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    return { activities, watermark: next };
  }
}
