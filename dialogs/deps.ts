import type { TurnContext } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import type { HandoffReason, HandoffService } from '../handoff/handoffService';
import type { KnowledgeBase } from '../nlu/knowledgeBase';
import { lang } from '../nlu/knowledgeBase';
import type { Locale } from '../nlu/types';
import type { OrderService } from './orderService';
import type { ConversationProfile, ProfileAccessor } from './profile';
import { PROMPTS } from './prompts';
import { getTurnInfo } from './turnInfo';

/** Everything the dialogs use, as interfaces: no Redis, no HTTP, no NLP.js. */
export interface DialogDeps {
  kb: KnowledgeBase;
  orders: OrderService;
  handoff: HandoffService;
  profile: ProfileAccessor;
}

/** Calls the handoff seam and tells the customer; the reason travels with the request. */
export async function handOff(context: TurnContext, deps: DialogDeps, profile: ConversationProfile, reason: HandoffReason, note?: string): Promise<void> {
  const ticket = await deps.handoff.requestHandoff({
    conversationId: context.activity.conversation.id,
    channelId: context.activity.channelId,
    customerId: context.activity.from.id,
    locale: profile.locale,
    reason,
    note,
  });
  profile.handoff = { ticketId: ticket.id, reason, at: getTurnInfo(context).now.toISOString() };
  await context.sendActivity(PROMPTS[profile.locale].handoffRecorded(ticket.id));
}

/** The top FAQs as quick replies (suggested actions) [000 PART02, 001 二(一)2]. */
export function withQuickReplies(kb: KnowledgeBase, locale: Locale, text: string) {
  return MessageFactory.suggestedActions(kb.menu.quickReplies.map((q) => q.label[lang(locale)]), text);
}

export function greetingText(kb: KnowledgeBase, locale: Locale, now: Date): string {
  const l = lang(locale);
  return kb.isNight(now) ? `${kb.menu.greeting[l]}${l === 'zh' ? '' : ' '}${kb.menu.nightApology[l]}` : kb.menu.greeting[l];
}
