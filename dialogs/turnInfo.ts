import type { TurnContext } from 'botbuilder';
import type { NluResult } from '../nlu/types';

/** A customer the channel vouches for with a signed user token. */
export interface VerifiedUser {
  userId: string;
  name?: string;
  vip?: number;
  expiresAt: Date;
}

export type ChannelIdentity =
  { status: 'verified'; user: VerifiedUser } | { status: 'invalid'; reason: 'malformed' | 'bad_signature' | 'expired' } | { status: 'absent' };

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
