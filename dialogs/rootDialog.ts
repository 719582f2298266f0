import { ComponentDialog, type DialogContext, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isOrderIntent } from '../nlu/catalogue';
import { NONE_INTENT, type NluResult } from '../nlu/types';
import { type DialogDeps, greetingText, handOff, withQuickReplies } from './deps';
import { detectInterruption } from './interruptions';
import { ORDER_DIALOG, OrderDialog, parseYesNo, type OrderDialogOptions } from './orderDialog';
import { loadProfile, MAX_INTENT_HISTORY, type ConversationProfile } from './profile';
import { PROMPTS } from './prompts';
import { activityText, getTurnInfo } from './turnInfo';

export const ROOT_DIALOG = 'root';
const ROUTE = 'route';

export interface RootDialogOptions {
  /** Score above which a human_agent intent interrupts any step. */
  humanThreshold: number;
  /** Score above which another intent mid-dialog switches topic instead of being read as an answer. */
  topicSwitchThreshold: number;
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
    if (this.isTopicSwitch(nlu, activityText(innerDc.context.activity))) {
      // A confident, different question mid-dialog: answer it rather than read it as an order number.
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog(ROUTE);
    }
    return super.onContinueDialog(innerDc);
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
    let intent = this.deps.kb.quickReplyIntent(text) ?? (interruption === 'human' ? 'human_agent' : nlu.intent);
    // An order number on its own is a request to look the order up.
    if (intent === NONE_INTENT && nlu.entities.orderIds.length > 0) intent = 'order_status';
    recordIntent(profile, intent, nlu.score, now);

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
      await context.sendActivity(withQuickReplies(this.deps.kb, profile.locale, greetingText(this.deps.kb, profile.locale, now)));
      return step.endDialog();
    }
    if (intent === 'human_agent') {
      await handOff(context, this.deps, profile, 'requested', text);
      return step.endDialog();
    }
    const opener = nlu.emotion.label === 'neutral' ? undefined : this.deps.kb.empathy(nlu.emotion.label, profile.locale, profile.turns);
    if (isOrderIntent(intent)) {
      const options: OrderDialogOptions = { intent, orderId: nlu.entities.orderIds[0], opener };
      return step.beginDialog(ORDER_DIALOG, options);
    }
    const answer = this.deps.kb.answer(intent, profile.locale);
    if (!answer) {
      await context.sendActivity(withQuickReplies(this.deps.kb, profile.locale, p.fallback));
      return step.endDialog();
    }
    await context.sendActivity(opener ? `${opener}${profile.locale === 'en' ? ' ' : ''}${answer}` : answer);
    return step.endDialog();
  }
}

function recordIntent(profile: ConversationProfile, intent: string, score: number, now: Date): void {
  profile.intentHistory.push({ intent, score: Math.round(score * 1000) / 1000, at: now.toISOString() });
  if (profile.intentHistory.length > MAX_INTENT_HISTORY) profile.intentHistory.splice(0, profile.intentHistory.length - MAX_INTENT_HISTORY);
}
