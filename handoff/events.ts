import { z } from 'zod';
import { HandoffReason, Priority, SkillGroup } from './types';

const base = { handoffId: z.string(), conversationId: z.string(), at: z.string() };

/** What agents' screens hear live (`GET /agent/v1/events`). */
export const HandoffEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('handoff.new'), ...base, group: SkillGroup, priority: Priority, summary: z.string(), reason: HandoffReason.optional() }),
  z.object({ type: z.literal('handoff.updated'), ...base, group: SkillGroup, priority: Priority, reasons: z.array(z.string()) }),
  z.object({ type: z.literal('handoff.assigned'), ...base, agentId: z.string() }),
  z.object({ type: z.literal('handoff.customer_message'), ...base, agentId: z.string().optional(), text: z.string() }),
  /** The customer is typing (where the channel says so): shown to the agent holding the chat for a few seconds. */
  z.object({ type: z.literal('handoff.customer_typing'), ...base, agentId: z.string().optional() }),
  z.object({ type: z.literal('handoff.agent_message'), ...base, agentId: z.string(), text: z.string() }),
  z.object({ type: z.literal('handoff.transferred'), ...base, by: z.string(), toGroup: SkillGroup.optional(), toAgent: z.string().optional() }),
  z.object({ type: z.literal('handoff.callback'), ...base, group: SkillGroup.optional() }),
  z.object({ type: z.literal('handoff.sla_warning'), ...base, group: SkillGroup, priority: Priority, slaDueAt: z.string() }),
  z.object({ type: z.literal('handoff.closed'), ...base, agentId: z.string(), resolution: z.string() }),
  z.object({ type: z.literal('survey.flagged'), ...base }),
  /** A customer answered the survey after a handoff (every answer; a low one is also survey.flagged). */
  z.object({ type: z.literal('survey.received'), ...base, scores: z.record(z.string(), z.number()), flagged: z.boolean() }),
  /** An assigned chat went back to the queue: its agent left, did not accept it, or did not answer. */
  z.object({
    type: z.literal('handoff.requeued'),
    ...base,
    agentId: z.string(),
    group: SkillGroup,
    priority: Priority,
    why: z.enum(['offline', 'away', 'not_accepted', 'not_answered']),
  }),
  /** The customer has waited for the agent's answer past the reply deadline. */
  z.object({ type: z.literal('handoff.agent_slow'), ...base, agentId: z.string(), waitingSeconds: z.number() }),
  /** An urgent or high-risk case nobody with the skill took in time went up the escalation chain. */
  z.object({ type: z.literal('handoff.escalated'), ...base, group: SkillGroup, priority: Priority, step: z.enum(['supervisors', 'anyone']) }),
  /** An agent's presence changed (set by them, or away because their console went silent). */
  z.object({
    type: z.literal('agent.presence'),
    at: z.string(),
    agentId: z.string(),
    presence: z.enum(['online', 'away', 'offline']),
    why: z.enum(['set', 'heartbeat_lost', 'not_accepted']),
  }),
  /** An internal note on the case, or a supervisor's whisper to its agent: agents only, never the customer. */
  z.object({ type: z.literal('handoff.note'), ...base, agentId: z.string().optional(), by: z.string(), kind: z.enum(['note', 'whisper']), text: z.string() }),
  /** A supervisor took the conversation over from its agent (`agentId`, who is told). */
  z.object({ type: z.literal('handoff.barged'), ...base, agentId: z.string(), by: z.string() }),
  /** A message could not reach the customer (WeChat quota, 48-hour window, API down). */
  z.object({ type: z.literal('delivery.failed'), ...base, agentId: z.string().optional(), code: z.string(), message: z.string() }),
]);
export type HandoffEvent = z.infer<typeof HandoffEvent>;

export interface EventBus {
  publish(event: HandoffEvent): Promise<void>;
  subscribe(listener: (event: HandoffEvent) => void): () => void;
  dispose(): Promise<void>;
}

/**
 * The bus, with `after` run for each event this instance publishes, once it is published: the place
 * for what must happen once per transition (a log line, a metric, a webhook) — every instance hears
 * every event, so doing it on hearing would repeat it per instance.
 */
export function onPublished(bus: EventBus, after: (event: HandoffEvent) => Promise<void> | void): EventBus {
  return {
    publish: async (event) => {
      await bus.publish(event);
      await after(event);
    },
    subscribe: (listener) => bus.subscribe(listener),
    dispose: () => bus.dispose(),
  };
}
