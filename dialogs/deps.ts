import { MessageFactory, TurnContext } from 'botbuilder';
import type { HandoffReason, HandoffService, SurveyService } from '../handoff/handoffService';
import type { StoredReference } from '../handoff/store';
import type { KnowledgeBase } from '../nlu/knowledgeBase';
import { lang } from '../nlu/knowledgeBase';
import type { Locale } from '../kernel/locale';
import type { OrderService } from '../orders/orderService';
import { toSnapshot, type ConversationProfile, type ProfileAccessor } from './profile';
import { handoffActivities } from './handoffNotice';
import { getTurnInfo } from './turnInfo';

/**
 * Failed identity checks per order, across conversations: a new conversation must not buy a fresh
 * set of guesses at an order's last four digits.
 */
export interface VerificationAttempts {
  failures(orderId: string): Promise<number>;
  recordFailure(orderId: string): Promise<number>;
}

/** Everything the dialogs use, as interfaces: no Redis, no HTTP, no NLP.js. */
export interface DialogDeps {
  attempts: VerificationAttempts;
  kb: KnowledgeBase;
  orders: OrderService;
  handoff: HandoffService;
  surveys: SurveyService;
  profile: ProfileAccessor;
}

/** Calls the handoff seam with everything the bot knows, and tells the customer what happens next. */
export async function handOff(context: TurnContext, deps: DialogDeps, profile: ConversationProfile, reason: HandoffReason, note?: string): Promise<void> {
  const { nlu, identity, now } = getTurnInfo(context);
  const reference = TurnContext.getConversationReference(context.activity) as StoredReference;
  const ticket = await deps.handoff.requestHandoff({
    reference,
    customerId: context.activity.from.id,
    locale: profile.locale,
    reason,
    note,
    snapshot: toSnapshot(profile, {
      entities: nlu.entities,
      emotion: { label: nlu.emotion.label, score: nlu.emotion.score },
      ...(identity.status === 'verified'
        ? { verification: { method: 'token', at: now.toISOString() }, vipLevel: identity.user.vip ?? 0, displayName: identity.user.name }
        : { displayName: context.activity.from.name }),
    }),
  });
  profile.handoff = { ticketId: ticket.id, reason, at: now.toISOString() };
  await context.sendActivities(handoffActivities(context, ticket, profile.locale));
}

/** The top FAQs as quick replies (suggested actions) [000 PART02, 001 二(一)2]. */
export function withQuickReplies(kb: KnowledgeBase, locale: Locale, text: string) {
  return MessageFactory.suggestedActions(
    kb.menu.quickReplies.map((q) => q.label[lang(locale)]),
    text,
  );
}

export function greetingText(kb: KnowledgeBase, locale: Locale, now: Date): string {
  const l = lang(locale);
  return kb.isNight(now) ? `${kb.menu.greeting[l]}${l === 'zh' ? '' : ' '}${kb.menu.nightApology[l]}` : kb.menu.greeting[l];
}
