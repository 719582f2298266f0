import type { Logger } from '../kernel/log';
import { onPublished, type EventBus } from './events';

/** Every handoff transition leaves one log line, written by the instance that made it. */
export function withEventLog(bus: EventBus, log: Logger): EventBus {
  return onPublished(bus, (event) => {
    const { type, at: _at, ...rest } = event;
    // Message texts stay out of the log: the transcript keeps them (masked) where agents read them.
    const { text: _text, ...fields } = rest as Record<string, unknown>;
    const line = { handoff: fields.handoffId, conversation: fields.conversationId, ...fields, handoffId: undefined, conversationId: undefined };
    // Typing comes every few seconds while a customer writes: worth a line only when debugging.
    if (type === 'handoff.customer_typing') log.debug(type, line);
    else log.info(type, line);
  });
}
