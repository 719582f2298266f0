import { MessageFactory } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogContext, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from './runtime';
import { normaliseTyped } from '../nlu/entities';
import { isLanguageRequest } from './conversationLanguage';
import { isOrderIntent } from '../nlu/catalogue';
import { bestReading, NONE_INTENT, type NluResult } from '../nlu/types';
import { type DialogDeps, greetingText, handOff, withQuickReplies } from './deps';
import { detectInterruption } from './interruptions';
import { CONFIRM_PROMPT, LAST4_PROMPT, ORDER_DIALOG, ORDER_ID_PROMPT, OrderDialog, parseYesNo, phoneProofIn, type OrderDialogOptions } from './orderDialog';
import { loadProfile, MAX_INTENT_HISTORY, type ConversationProfile } from './profile';
import { PROMPTS } from './prompts';
import { activityText, getTurnInfo, setTurnInfo } from './turnInfo';

export const ROOT_DIALOG = 'root';
const ROUTE = 'route';

export interface RootDialogOptions {
  /** Score above which a human_agent intent interrupts any step. */
  humanThreshold: number;
  /** Score above which another intent mid-dialog switches topic instead of being read as an answer. */
  topicSwitchThreshold: number;
  /** The same, while an order number or digits are awaited and the message looks like neither (lower: it cannot be the answer). */
  promptTopicSwitchThreshold: number;
}

/** "I have no order number / can't find it": help, not another request for it. */
const NO_ORDER_ID =
  /(没有|没|找不到|不知道|忘了|记不清|不记得)(了)?(订单号|单号|订单编号)|(订单号|单号)(找不到|不知道|忘了|在哪)|don'?t have (it|an? order number|the order number)|can'?t find (it|the order number|my order number)|no order number|where is my order number/i;

/** A short follow-up on the same matter ("那还要多久", "how much longer?", "still not here"). */
const FOLLOW_UP = /^.{0,12}(多久|多长时间|什么时候|几点|还要|还没|到哪|how long|how much longer|when|still|any update|eta)/i;

/** Urging a delivery ("能不能快点", "can you hurry it up"): the classifier can read "能不能…" as a suggestion. */
const URGE = /快点|快一点|快些|催一?催|催一下|催单|赶紧送|hurry|speed (it|this|things) up|taking forever|chase (the|my) (rider|driver|courier)/i;

/** "能再说一遍吗", "say that again": the bot's last message, again. */
const REPEAT =
  /(再说一遍|再说一次|重复一下|重复一遍|没看清|再发一遍|再发一次|刚才说(的)?什么|say (that|it) again|repeat (that|it|please)|come again\??$|what did you (just )?say)/i;
/** "👍", "好的", "嗯嗯", "收到": the customer acknowledges; nothing to answer but a short word. */
const ACKNOWLEDGE = /^(👍|👌|🙏|好的?|好吧|嗯+|哦+|噢|收到|明白了?|知道了|了解|行|ok|okay|k|got it|cool|alright|noted)[\s\p{P}\p{Extended_Pictographic}]*$/iu;

/** Whether a message could be the awaited order number or digits (then the prompt reads it). */
/** How sure a reading must be for a message in a yes/no offer to count as a question of its own. */
const CONFIRM_QUESTION_THRESHOLD = 0.5;
/** A question by its form: a question mark, or a question word of either language. */
const QUESTION = /[?？]\s*$|^(how|what|when|why|where|which|can|could|is|are|do|does)\b|多久|多少|怎么|什么|为什么|几天|吗[?？]?\s*$/i;

function looksLikeSlot(text: string): boolean {
  const t = normaliseTyped(text);
  return /\d{4}/.test(t) || /kf/i.test(t) || /[一二三四五六七八九零〇幺两]{4}/u.test(t);
}

/** The innermost active dialog's id (a prompt inside the order dialog, say). */
function deepestActive(dc: DialogContext): string | undefined {
  let d: DialogContext = dc;
  while (d.child) d = d.child;
  return d.activeDialog?.id;
}

/**
 * Routes each new message by intent, and catches "cancel", "start over" and "转人工" at any step
 * of any child dialog before the child sees them (the interruption pattern of core-bot's
 * CancelAndHelpDialog).
 */
export class RootDialog extends ComponentDialog {
  constructor(
    private readonly deps: DialogDeps,
    private readonly options: RootDialogOptions,
  ) {
    super(ROOT_DIALOG);
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this)]));
    this.addDialog(new OrderDialog(deps));
    this.initialDialogId = ROUTE;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { nlu } = getTurnInfo(innerDc.context);
    const profile = await loadProfile(this.deps.profile, innerDc.context, nlu.locale);
    const interruption = detectInterruption(activityText(innerDc.context.activity), nlu, this.options.humanThreshold);
    if (interruption === 'cancel') {
      await innerDc.cancelAllDialogs();
      await innerDc.context.sendActivity(PROMPTS[profile.locale].cancelled);
      return innerDc.endDialog();
    }
    if (interruption === 'human') {
      await innerDc.cancelAllDialogs();
      await handOff(innerDc.context, this.deps, profile, 'requested', innerDc.context.activity.text);
      return innerDc.endDialog();
    }
    const text = activityText(innerDc.context.activity);
    if (this.isTopicSwitch(nlu, text)) {
      // A confident, different question mid-dialog: answer it rather than read it as an order number.
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog(ROUTE);
    }
    const waiting = deepestActive(innerDc);
    if ((waiting === ORDER_ID_PROMPT || waiting === LAST4_PROMPT) && !looksLikeSlot(text)) {
      const heard = await this.listen(innerDc, text, nlu, profile, waiting);
      if (heard) return heard;
    }
    // "Shall I submit it?" answered with a question ("how long does the refund take"): the question is
    // answered, not met with the same offer again. A yes or a no, however worded, stays the answer.
    if (waiting === CONFIRM_PROMPT && parseYesNo(text) === undefined) {
      const best = bestReading(nlu);
      // Asked as a question, the reading needs only the bar every other prompt uses.
      const bar = QUESTION.test(text) ? this.options.promptTopicSwitchThreshold : CONFIRM_QUESTION_THRESHOLD;
      if (best && best.score >= bar && best.intent !== 'greet') return this.routeAs(innerDc, nlu, best);
    }
    return super.onContinueDialog(innerDc);
  }

  /**
   * While an order number or phone digits are awaited, a message that is not one is heard for what
   * it is: thanks or a goodbye leave the question; "I have no order number" is helped; a complaint or
   * emotion gets an apology and the question set aside (not counted as a wrong answer); a different
   * question is answered. Anything else falls through to the prompt.
   */
  private async listen(
    innerDc: DialogContext,
    text: string,
    nlu: NluResult,
    profile: ConversationProfile,
    waiting: string,
  ): Promise<DialogTurnResult | undefined> {
    const p = PROMPTS[profile.locale];
    const { context } = innerDc;
    if (NO_ORDER_ID.test(text) || (waiting === ORDER_ID_PROMPT && text.trim() === p.myOrdersButton)) {
      await innerDc.cancelAllDialogs();
      await context.sendActivity(MessageFactory.suggestedActions([p.personButton], p.noOrderIdHelp));
      return innerDc.endDialog();
    }
    const upset = nlu.emotion.label !== 'neutral' || (nlu.intent === 'complaint' && nlu.score >= 0.4);
    if (upset) {
      const opener = this.deps.kb.empathy(nlu.emotion.label === 'neutral' ? 'anger' : nlu.emotion.label, profile.locale, profile.turns);
      const sep = profile.locale === 'en' ? ' ' : '';
      const buttons = waiting === ORDER_ID_PROMPT ? [p.noOrderIdButton, p.personButton] : [p.personButton];
      const ask = waiting === ORDER_ID_PROMPT ? p.promptAside : p.askPhoneLast4;
      await context.sendActivity(MessageFactory.suggestedActions(buttons, `${opener}${sep}${ask}`));
      return Dialog.EndOfTurn; // still waiting, and this was no wrong answer
    }
    if (['thanks', 'goodbye'].includes(nlu.intent) && nlu.score >= 0.5) {
      await innerDc.cancelAllDialogs();
      await context.sendActivity(this.deps.kb.answer(nlu.intent, profile.locale) ?? p.promptLeft);
      return innerDc.endDialog();
    }
    // The best reading, even one the classifier would not commit to: this message is not the answer anyway.
    const best = bestReading(nlu);
    if (best && best.score >= this.options.promptTopicSwitchThreshold && !isOrderIntent(best.intent) && best.intent !== 'greet') {
      return this.routeAs(innerDc, nlu, best);
    }
    // The digits are awaited and the message has none: ask again, and it is no failed attempt.
    if (waiting === LAST4_PROMPT && !/\d/.test(normaliseTyped(text)) && !/[一二三四五六七八九零]{4}/u.test(text)) {
      await context.sendActivity(MessageFactory.suggestedActions([p.personButton], p.last4First));
      return Dialog.EndOfTurn;
    }
    return undefined;
  }

  /** Leaves the prompt: the message is routed afresh, read as its best reading. */
  private async routeAs(innerDc: DialogContext, nlu: NluResult, best: { intent: string; score: number }): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    setTurnInfo(innerDc.context, { ...getTurnInfo(innerDc.context), nlu: { ...nlu, intent: best.intent, score: best.score } });
    return innerDc.beginDialog(ROUTE);
  }

  private isTopicSwitch(nlu: NluResult, text: string): boolean {
    return (
      nlu.intent !== NONE_INTENT &&
      nlu.score >= this.options.topicSwitchThreshold &&
      nlu.entities.orderIds.length === 0 &&
      !/\d{4}/.test(text) &&
      parseYesNo(text) === undefined &&
      !['greet', 'thanks', 'goodbye'].includes(nlu.intent)
    );
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const { nlu, now } = getTurnInfo(context);
    const profile = await loadProfile(this.deps.profile, context, nlu.locale);
    const text = activityText(context.activity);
    profile.locale = nlu.locale;
    const p = PROMPTS[profile.locale];

    const interruption = detectInterruption(text, nlu, this.options.humanThreshold);
    if (interruption === 'cancel') {
      await context.sendActivity(p.nothingToCancel);
      return step.endDialog();
    }
    if (isLanguageRequest(text)) {
      await context.sendActivity(p.languageSwitched);
      return step.endDialog();
    }
    if (REPEAT.test(text)) {
      await context.sendActivity(profile.lastReply ?? p.nothingToRepeat);
      return step.endDialog();
    }
    if (nlu.intent === NONE_INTENT && ACKNOWLEDGE.test(text.trim())) {
      await context.sendActivity(p.promptLeft);
      return step.endDialog();
    }
    if (NO_ORDER_ID.test(text)) {
      await context.sendActivity(MessageFactory.suggestedActions([p.personButton], p.noOrderIdHelp));
      return step.endDialog();
    }
    let intent = this.deps.kb.quickReplyIntent(text) ?? (interruption === 'human' ? 'human_agent' : nlu.intent);
    // "那还要多久", "how much longer?" right after an answer about a verified order: the same question, about that order.
    const previousIntent = profile.intentHistory.at(-1);
    if (
      (intent === NONE_INTENT || nlu.score < 0.5) &&
      FOLLOW_UP.test(text) &&
      previousIntent &&
      isOrderIntent(previousIntent.intent) &&
      now.getTime() - Date.parse(previousIntent.at) < 15 * 60_000 &&
      profile.verification.verified.length > 0
    ) {
      intent = previousIntent.intent;
    }
    if ((intent === 'suggestion' || intent === NONE_INTENT || nlu.score < 0.5) && URGE.test(text)) intent = 'delivery_delay';
    // An order number with little else ("还有这个 KF…") is a request to look the order up.
    if (nlu.entities.orderIds.length > 0 && !isOrderIntent(intent) && intent !== 'human_agent' && (intent === NONE_INTENT || nlu.score < 0.7))
      intent = 'order_status';
    // "那你们就这样？太差劲了" is no goodbye: an angry "bye" or "thanks" gets the complaint's answer, never a cheerful farewell.
    if ((intent === 'goodbye' || intent === 'thanks') && nlu.emotion.label === 'anger') intent = 'complaint';
    recordIntent(profile, intent, nlu.score, now);
    // Only the very last answer counts as "the same question again".
    const askedAgain = profile.lastAnswered === intent;
    profile.lastAnswered = undefined;

    if (intent === NONE_INTENT) {
      profile.fallbackStreak += 1;
      if (profile.fallbackStreak >= 2) {
        profile.fallbackStreak = 0;
        await context.sendActivity(p.fallbackHandoff);
        await handOff(context, this.deps, profile, 'nlu_fallback', text);
      } else {
        await context.sendActivity(withQuickReplies(this.deps.kb, profile.locale, p.fallback));
      }
      return step.endDialog();
    }
    profile.fallbackStreak = 0;

    if (intent === 'greet') {
      // "在吗在吗😭": a worried hello gets a kind word before the menu.
      const worried =
        nlu.emotion.label === 'neutral' ? '' : `${this.deps.kb.empathy(nlu.emotion.label, profile.locale, profile.turns)}${profile.locale === 'en' ? ' ' : ''}`;
      await context.sendActivity(withQuickReplies(this.deps.kb, profile.locale, `${worried}${greetingText(this.deps.kb, profile.locale, now)}`));
      return step.endDialog();
    }
    if (intent === 'human_agent') {
      await handOff(context, this.deps, profile, 'requested', text);
      return step.endDialog();
    }
    const opener = nlu.emotion.label === 'neutral' ? undefined : this.deps.kb.empathy(nlu.emotion.label, profile.locale, profile.turns);
    if (isOrderIntent(intent)) {
      const options: OrderDialogOptions = {
        intent,
        orderId: nlu.entities.orderIds[0],
        opener,
        phoneHint: phoneProofIn(text),
        otherOrderIds: nlu.entities.orderIds.slice(1),
      };
      return step.beginDialog(ORDER_DIALOG, options);
    }
    const answer = this.deps.kb.answer(intent, profile.locale);
    if (!answer) {
      await context.sendActivity(withQuickReplies(this.deps.kb, profile.locale, p.fallback));
      return step.endDialog();
    }
    // The same question again means the answer did not help: no second copy of it, a person instead.
    if (askedAgain && !['thanks', 'goodbye'].includes(intent)) {
      await context.sendActivity(
        MessageFactory.suggestedActions([p.personButton], `${opener ? `${opener}${profile.locale === 'en' ? ' ' : ''}` : ''}${p.answerDidNotHelp}`),
      );
      return step.endDialog();
    }
    profile.lastAnswered = intent;
    // An answer that opens with its own apology needs no second one before it.
    const apologises = /^[^。.!！]*(抱歉|sorry|apolog)/i.test(answer);
    await context.sendActivity(opener && !apologises ? `${opener}${profile.locale === 'en' ? ' ' : ''}${answer}` : answer);
    return step.endDialog();
  }
}

function recordIntent(profile: ConversationProfile, intent: string, score: number, now: Date): void {
  profile.intentHistory.push({ intent, score: Math.round(score * 1000) / 1000, at: now.toISOString() });
  if (profile.intentHistory.length > MAX_INTENT_HISTORY) profile.intentHistory.splice(0, profile.intentHistory.length - MAX_INTENT_HISTORY);
}
