import { z } from 'zod';
import { Priority, SkillGroup } from './types';

const base = { handoffId: z.string(), conversationId: z.string(), at: z.string() };

/** What agents' screens hear live (`GET /agent/v1/events`). */
export const HandoffEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('handoff.new'), ...base, group: SkillGroup, priority: Priority, summary: z.string() }),
  z.object({ type: z.literal('handoff.updated'), ...base, group: SkillGroup, priority: Priority, reasons: z.array(z.string()) }),
  z.object({ type: z.literal('handoff.assigned'), ...base, agentId: z.string() }),
  z.object({ type: z.literal('handoff.customer_message'), ...base, agentId: z.string().optional(), text: z.string() }),
  z.object({ type: z.literal('handoff.agent_message'), ...base, agentId: z.string(), text: z.string() }),
  z.object({ type: z.literal('handoff.transferred'), ...base, by: z.string(), toGroup: SkillGroup.optional(), toAgent: z.string().optional() }),
  z.object({ type: z.literal('handoff.callback'), ...base }),
  z.object({ type: z.literal('handoff.sla_warning'), ...base, group: SkillGroup, priority: Priority, slaDueAt: z.string() }),
  z.object({ type: z.literal('handoff.closed'), ...base, agentId: z.string(), resolution: z.string() }),
  z.object({ type: z.literal('survey.flagged'), ...base }),
  /** A message could not reach the customer (WeChat quota, 48-hour window, API down). */
  z.object({ type: z.literal('delivery.failed'), ...base, agentId: z.string().optional(), code: z.string(), message: z.string() }),
]);
export type HandoffEvent = z.infer<typeof HandoffEvent>;

export interface EventBus {
  publish(event: HandoffEvent): Promise<void>;
  subscribe(listener: (event: HandoffEvent) => void): () => void;
  dispose(): Promise<void>;
}
