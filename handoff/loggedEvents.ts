import type { Logger } from '../kernel/log';
import type { EventBus, HandoffEvent } from './events';

/**
 * Every handoff transition leaves one log line, written by the instance that made it (publishing is
 * once per transition; every instance hears it, so logging on hearing would repeat it per instance).
 */
export function withEventLog(bus: EventBus, log: Logger): EventBus {
  return {
    publish: async (event: HandoffEvent) => {
      const { type, at: _at, ...rest } = event;
      // Message texts stay out of the log: the transcript keeps them (masked) where agents read them.
      const { text: _text, ...fields } = rest as Record<string, unknown>;
      log.info(type, { handoff: fields.handoffId, conversation: fields.conversationId, ...fields, handoffId: undefined, conversationId: undefined });
      await bus.publish(event);
    },
    subscribe: (listener) => bus.subscribe(listener),
    dispose: () => bus.dispose(),
  };
}
