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
      // Typing comes every few seconds while a customer writes: worth a line only when debugging.
      const line = { handoff: fields.handoffId, conversation: fields.conversationId, ...fields, handoffId: undefined, conversationId: undefined };
      if (type === 'handoff.customer_typing') log.debug(type, line);
      else log.info(type, line);
      await bus.publish(event);
    },
    subscribe: (listener) => bus.subscribe(listener),
    dispose: () => bus.dispose(),
  };
}
