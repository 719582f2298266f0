import type { Agent } from './agents';
import type { HandoffRecord } from './store';
import type { SkillGroup } from './types';

/**
 * What the handoff desk needs from the customer's side (implemented by the bot, which owns the
 * channels and the wording). Each method only delivers; the desk records the transcript and events.
 */
export interface CustomerActions {
  /** Checks an agent's reply against the outbound compliance list; returns the violations. */
  check(text: string): Array<{ rule: string; match: string }>;
  agentMessage(handoff: HandoffRecord, agent: Agent, text: string): Promise<void>;
  /** Tells the customer a person has joined; returns the text sent. */
  agentJoined(handoff: HandoffRecord, agent: Agent): Promise<string>;
  /** Tells the customer their case was handed on (to a team, a named agent, or escalated); returns the text sent. */
  transferred(handoff: HandoffRecord, to: { group: SkillGroup } | { agent: Agent }): Promise<string>;
  /** Tells the customer their agent had to leave and the next one will take over; returns the text sent. */
  requeued(handoff: HandoffRecord): Promise<string>;
  /** The conversation returns to the bot, which asks for the survey. */
  closed(handoff: HandoffRecord): Promise<void>;
  /** The customer has been quiet: a reminder that the agent is still there; returns the text sent. */
  idleReminder(handoff: HandoffRecord): Promise<string>;
  /** Closed for the customer's silence: the conversation returns to the bot, with a survey only if configured. */
  closedIdle(handoff: HandoffRecord, survey: boolean): Promise<void>;
}
