import type { Agent } from '../handoff/agents';
import type { CustomerActions } from '../handoff/agentApi';
import type { EventBus } from '../handoff/events';
import type { HandoffRecord, HandoffStore } from '../handoff/store';
import { PROMPTS } from '../dialogs/prompts';
import type { ComplianceFilter } from './compliance';
import { CustomerLink } from './customerLink';
import type { KefuBot } from './kefuBot';
import { maskPersonalData } from './log';

/** The agent side's reach into the customer's channel, through proactive turns. */
export class BotCustomerActions implements CustomerActions {
  constructor(
    private readonly link: CustomerLink,
    private readonly bot: KefuBot,
    private readonly store: HandoffStore,
    private readonly events: EventBus,
    private readonly compliance: ComplianceFilter,
    private readonly clock: () => Date,
  ) {}

  check(text: string): Array<{ rule: string; match: string }> {
    return this.compliance.check(text);
  }

  async agentMessage(h: HandoffRecord, agent: Agent, text: string): Promise<void> {
    // The adapter stamps every outgoing activity as the bot's; channelData tells clients a person wrote it.
    await this.link.send(h.reference, [{ type: 'message', text, channelData: { kefu: { speaker: 'agent', agentId: agent.id, agentName: agent.name } } }]);
    const at = this.clock().toISOString();
    await this.store.appendTranscript(h.conversationId, { at, speaker: 'agent', agentId: agent.id, text: maskPersonalData(text) });
    await this.events.publish({ type: 'handoff.agent_message', handoffId: h.id, conversationId: h.conversationId, agentId: agent.id, text: maskPersonalData(text), at });
  }

  async agentJoined(h: HandoffRecord, agent: Agent): Promise<void> {
    const text = PROMPTS[h.packet.locale].handoff.agentJoined(agent.name);
    await this.link.send(h.reference, [{ type: 'message', text }, CustomerLink.status(h.reference, 'accepted')]);
    await this.store.appendTranscript(h.conversationId, { at: this.clock().toISOString(), speaker: 'system', text });
  }

  async closed(h: HandoffRecord): Promise<void> {
    const text = PROMPTS[h.packet.locale].handoff.closed;
    await this.store.appendTranscript(h.conversationId, { at: this.clock().toISOString(), speaker: 'system', text: `closed by ${h.assignedTo ?? 'supervisor'}: ${h.resolution ?? ''}` });
    let failure: unknown;
    await this.link.withTurn(h.reference, async (context) => {
      try {
        await context.sendActivity(CustomerLink.status(h.reference, 'completed'));
        await this.bot.returnFromHandoff(context, h.id, text);
      } catch (err) {
        failure = err; // not onTurnError: that would wipe the conversation's state
      }
    });
    if (failure) throw failure;
  }
}
