import type { TurnContext } from 'botbuilder';
import type { NluResult } from '../nlu/types';
import type { Locale } from '../kernel/locale';

/** A customer the channel vouches for with a signed user token. */
export interface VerifiedUser {
  userId: string;
  name?: string;
  vip?: number;
  expiresAt: Date;
  /** The conversation the token names (its cid claim); absent for tokens bound on first use. */
  conversationId?: string;
}

export type ChannelIdentity =
  | { status: 'verified'; user: VerifiedUser }
  | { status: 'invalid'; reason: 'malformed' | 'bad_signature' | 'expired' | 'too_long_lived' | 'not_yet_valid' | 'other_conversation' }
  | { status: 'absent' };

/** What the bot works out once per turn, before any dialog runs. */
export interface TurnInfo {
  nlu: NluResult;
  identity: ChannelIdentity;
  now: Date;
}

const TURN_INFO = Symbol('kefu.turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO, info);
}

/** botbuilder types `text` as a string; on the wire it is absent from attachments, events and typing. */
export function activityText(activity: { text?: unknown }): string {
  return typeof activity.text === 'string' ? activity.text : '';
}

export function getTurnInfo(context: TurnContext): TurnInfo {
  const info = context.turnState.get<TurnInfo | undefined>(TURN_INFO);
  if (!info) throw new Error('turn info missing: the bot must recognise the message before dialogs run');
  return info;
}

const AGENT_HUB = Symbol('kefu.agentHub');

/** Marks the turn as coming from a Bot Framework agent hub (a channel the operator lists), which may receive the context packet. */
export function markAgentHub(context: TurnContext, hub: boolean): void {
  context.turnState.set(AGENT_HUB, hub);
}

/** Whether the packet may go to this turn's channel: only an agent hub, never the customer's own client. */
export function isAgentHub(context: TurnContext): boolean {
  return context.turnState.get(AGENT_HUB) === true;
}

const VERBATIM = Symbol('kefu.verbatim');

/**
 * Text this turn's replies quote rather than say — names from the order service, the customer's own
 * words: the outbound compliance filter reads past it (a merchant may be called "最佳烧烤").
 */
export function quoteVerbatim(context: TurnContext, ...texts: Array<string | undefined>): void {
  const list = context.turnState.get<string[] | undefined>(VERBATIM) ?? [];
  for (const t of texts) if (t) list.push(t);
  context.turnState.set(VERBATIM, list);
}

export function verbatimOf(context: TurnContext): readonly string[] {
  return context.turnState.get<string[] | undefined>(VERBATIM) ?? [];
}

const READING = Symbol('kefu.reading');

/** A reading of this turn's message made before the bot (the handoff gate asks the intent for its risk signal). */
export function rememberReading(context: TurnContext, text: string, hint: Locale | undefined, nlu: NluResult): void {
  context.turnState.set(READING, { text, hint, nlu });
}

/** The reading made earlier in this turn of the same text with the same hint, if any: the message is read once. */
export function earlierReading(context: TurnContext, text: string, hint: Locale | undefined): NluResult | undefined {
  const r = context.turnState.get<{ text: string; hint: Locale | undefined; nlu: NluResult } | undefined>(READING);
  return r?.text === text && r.hint === hint ? r.nlu : undefined;
}
