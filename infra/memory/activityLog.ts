import type { ActivityLog } from '../activityLog';

export class MemoryActivityLog implements ActivityLog {
  /** Per conversation: activities kept, and how many older ones were dropped (watermarks stay absolute). */
  private readonly logs = new Map<string, { dropped: number; items: Array<Record<string, unknown>> }>();

  constructor(
    private readonly maxConversations = 10_000,
    private readonly maxActivities = 1000,
  ) {}

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
