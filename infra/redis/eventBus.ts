import type { Redis } from './connection';
import { HandoffEvent, type EventBus } from '../../handoff/events';
import { MemoryEventBus } from '../memory/eventBus';

/** Many processes: Redis pub/sub, so an agent connected to any instance hears every event. */
export class RedisEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private readonly subscriber: Redis;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    onError: (err: unknown) => void,
  ) {
    this.subscriber = publisher.duplicate();
    void this.subscriber.subscribe(channel).catch(onError);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const parsed = HandoffEvent.safeParse(safeJson(message));
      if (parsed.success) void this.local.publish(parsed.data);
      else onError(new Error(`ignored a malformed event on ${channel}`));
    });
  }

  async publish(event: HandoffEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  subscribe(listener: (event: HandoffEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async dispose(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
    await this.local.dispose();
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
