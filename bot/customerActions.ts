import type { Agent } from '../handoff/agents';
import type { CustomerActions } from '../handoff/ports';
import type { HandoffRecord } from '../handoff/store';
import type { SkillGroup } from '../handoff/types';
import { PROMPTS } from '../dialogs/prompts';
import type { ComplianceFilter } from './compliance';
import type { RiskHandling } from '../dialogs/riskHandling';
import { CustomerLink } from './customerLink';
import type { KefuBot } from './kefuBot';

/** The agent side's reach into the customer's channel, through proactive turns. Delivery only: the desk records. */
export class BotCustomerActions implements CustomerActions {
  constructor(
    private readonly link: CustomerLink,
    private readonly bot: KefuBot,
    private readonly compliance: ComplianceFilter,
    private readonly riskHandling: RiskHandling,
  ) {}

  check(text: string): Array<{ rule: string; match: string }> {
    return this.compliance.check(text);
  }

  async agentMessage(h: HandoffRecord, agent: Agent, text: string): Promise<void> {
    // The adapter stamps every outgoing activity as the bot's; channelData tells clients a person wrote it.
    await this.link.send(h.reference, [{ type: 'message', text, channelData: { kefu: { speaker: 'agent', agentId: agent.id, agentName: agent.name } } }]);
  }

  async agentJoined(h: HandoffRecord, agent: Agent): Promise<string> {
    const p = PROMPTS[h.packet.locale].handoff;
    const text = h.callback ? p.callbackTaken(agent.name) : p.agentJoined(agent.name);
    await this.link.send(h.reference, [{ type: 'message', text }, CustomerLink.status(h.reference, 'accepted')]);
    return text;
  }

  async transferred(h: HandoffRecord, to: { group: SkillGroup } | { agent: Agent }): Promise<string> {
    const p = PROMPTS[h.packet.locale].handoff;
    const text = 'agent' in to ? p.transferredToAgent(to.agent.name) : to.group === 'escalation' ? p.escalated : p.transferredToGroup(p.teams[to.group]);
    await this.link.send(h.reference, [{ type: 'message', text }]);
    return text;
  }

  async requeued(h: HandoffRecord): Promise<string> {
    const text = PROMPTS[h.packet.locale].handoff.requeued;
    await this.link.send(h.reference, [{ type: 'message', text }]);
    return text;
  }

  async idleReminder(h: HandoffRecord): Promise<string> {
    const text = PROMPTS[h.packet.locale].handoff.idleReminder;
    await this.link.send(h.reference, [{ type: 'message', text }]);
    return text;
  }

  closedIdle(h: HandoffRecord, survey: boolean): Promise<void> {
    return this.returnToBot(h, PROMPTS[h.packet.locale].handoff.closedIdle, survey);
  }

  /** The usual goodbye and survey — except where the case's risk handling says otherwise (never after self-harm). */
  closed(h: HandoffRecord): Promise<void> {
    const handling = this.riskHandling.for(h.packet.risk, '');
    const closing = handling?.closed && (h.packet.locale === 'en' ? handling.closed.en : handling.closed.zh);
    return this.returnToBot(h, closing ?? PROMPTS[h.packet.locale].handoff.closed, handling?.survey ?? true);
  }

  private async returnToBot(h: HandoffRecord, text: string, survey: boolean): Promise<void> {
    let failure: unknown;
    await this.link.withStateTurn(h.reference, async (context) => {
      try {
        await context.sendActivity(CustomerLink.status(h.reference, 'completed'));
        await this.bot.returnFromHandoff(context, h.id, text, survey);
      } catch (err) {
        failure = err; // not onTurnError: that would wipe the conversation's state
      }
    });
    if (failure) throw failure instanceof Error ? failure : new Error('delivery failed', { cause: failure });
  }
}
