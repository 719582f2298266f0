import { EventEmitter } from 'node:events';
import type { EventBus, HandoffEvent } from '../../handoff/events';

/** One process: an EventEmitter. */
export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: HandoffEvent): Promise<void> {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: HandoffEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async dispose(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
