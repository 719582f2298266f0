import { stateProperty } from '../dialogs/stateProperty';
import { createHash } from 'node:crypto';
import { ActivityHandler, ActivityTypes, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, type DialogState, DialogTurnStatus } from '../dialogs/runtime';
import { greetingText, withQuickReplies } from '../dialogs/deps';
import { nextLanguage } from '../dialogs/conversationLanguage';
import { recordMessage, type ProfileAccessor } from '../dialogs/profile';
import { maskPersonalData } from '../kernel/pii';
import { ROOT_DIALOG, type RootDialog } from '../dialogs/rootDialog';
import { answersSurvey, SURVEY_DIALOG, type SurveyDialog } from '../dialogs/surveyDialog';
import { activityText, earlierReading, setTurnInfo } from '../dialogs/turnInfo';
import { PROMPTS } from '../dialogs/prompts';
import type { KnowledgeBase } from '../nlu/knowledgeBase';
import { normaliseLocale } from '../kernel/locale';
import { bestReading, type NluResult, type Recognizer } from '../nlu/types';
import type { Locale } from '../kernel/locale';
import { verifyUserToken } from './userToken';

export interface KefuBotDeps {
  conversationState: ConversationState;
  profile: ProfileAccessor;
  recognizer: Recognizer;
  rootDialog: RootDialog;
  surveyDialog: SurveyDialog;
  kb: KnowledgeBase;
  userTokenSecret: string;
  /** The longest a user token may live (USER_TOKEN_MAX_LIFETIME_SECONDS). */
  userTokenMaxLifetimeMs: number;
  /**
   * Binds a token without a cid claim to the first conversation that presents it (until it
   * expires); false when it is already bound to another — a leaked token opens one conversation.
   */
  bindUserToken: (tokenKey: string, conversationId: string, ttlMs: number) => Promise<boolean>;
  clock: () => Date;
  /** The first message of a conversation (metrics: containment is counted against it). */
  onConversationStart?: (channel: string) => void;
}

/**
 * The shape of the stored dialog stack (dialog ids and waterfall steps). Raised whenever a deploy
 * changes them: a conversation in flight with another version starts its dialog afresh, keeping its
 * profile (language, verified orders, history), instead of resuming at a step that now means
 * something else.
 */
export const DIALOG_STATE_VERSION = 2;

/** Thin on purpose: recognise once, run the root dialog, save state. */
export class KefuBot extends ActivityHandler {
  private readonly dialogs: DialogSet;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogVersion: StatePropertyAccessor<number>;

  constructor(private readonly deps: KefuBotDeps) {
    super();
    this.dialogState = stateProperty<DialogState>(deps.conversationState, 'dialogState');
    this.dialogVersion = stateProperty<number>(deps.conversationState, 'dialogStateVersion');
    this.dialogs = new DialogSet(this.dialogState).add(deps.rootDialog).add(deps.surveyDialog);

    this.onMembersAdded(async (context, next) => {
      const locale = normaliseLocale(context.activity.locale) ?? 'zh-CN';
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === context.activity.recipient.id) continue;
        await context.sendActivity(withQuickReplies(deps.kb, locale, greetingText(deps.kb, locale, deps.clock())));
      }
      await next();
    });
  }

  /**
   * Back to the bot after an agent closes: a clean dialog state (the profile's history is kept),
   * then the satisfaction survey. Runs in a proactive turn.
   */
  async returnFromHandoff(context: TurnContext, handoffId: string, closingText: string, survey = true): Promise<void> {
    const profile = await this.deps.profile.get(context);
    await this.dialogState.delete(context);
    await this.dialogVersion.set(context, DIALOG_STATE_VERSION);
    if (profile) {
      profile.handoff = undefined;
      profile.fallbackStreak = 0;
      profile.survey = survey ? { handoffId } : undefined;
    }
    await context.sendActivity(closingText);
    if (!survey) {
      await this.deps.conversationState.saveChanges(context, false);
      return;
    }
    setTurnInfo(context, { nlu: emptyNlu(profile?.locale ?? 'zh-CN'), identity: { status: 'absent' }, now: this.deps.clock() });
    const dc = await this.dialogs.createContext(context);
    await dc.beginDialog(SURVEY_DIALOG, { handoffId });
    await this.deps.conversationState.saveChanges(context, false);
  }

  override async run(context: TurnContext): Promise<void> {
    // A message, nearly every turn, goes straight to the handler: ActivityHandler's dispatch chain
    // (five generator-based awaits deep, no handler of ours on the way) cost about 4.5% of a
    // saturated kefu's CPU. Other activities (members added, invokes) take the usual route.
    if (context.activity.type === (ActivityTypes.Message as string)) await this.handleMessage(context);
    else await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  /** Whether a message during the survey is other business: a person asked for, or a question the NLU reads. */
  private leavesSurvey(text: string, nlu: NluResult): boolean {
    if (LEAVE_SURVEY_HUMAN.test(text)) return true;
    const best = bestReading(nlu);
    return best !== undefined && best.score >= 0.35 && !['thanks', 'goodbye', 'greet'].includes(best.intent);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const now = this.deps.clock();
    const text = activityText(context.activity);
    const previous = await this.deps.profile.get(context);
    if (!previous) this.deps.onConversationStart?.(context.activity.channelId);
    const channelLocale = normaliseLocale(context.activity.locale);
    if (!text.trim() && (context.activity.attachments?.length ?? 0) > 0) {
      // A picture without words: kept in the transcript for the agent; the bot asks what it is about.
      await context.sendActivity(PROMPTS[previous?.locale ?? channelLocale ?? 'zh-CN'].attachmentReceived);
      return;
    }
    const hint = previous?.locale ?? channelLocale;
    const recognised = earlierReading(context, text, hint) ?? (await this.deps.recognizer.recognize(text, { hint }));
    // The classifier reads the message in its own language; the reply keeps the conversation's.
    const language = nextLanguage(
      previous && previous.turns > 0 ? { locale: previous.locale, otherRun: previous.otherLanguageRun } : undefined,
      text,
      recognised.locale,
    );
    const nlu = { ...recognised, locale: language.locale };
    if (previous) previous.otherLanguageRun = language.otherRun;
    const channelData = context.activity.channelData as Record<string, unknown> | undefined;
    const conversationId = context.activity.conversation.id;
    let identity = verifyUserToken(channelData?.userToken, this.deps.userTokenSecret, now, {
      maxLifetimeMs: this.deps.userTokenMaxLifetimeMs,
      conversationId,
    });
    if (identity.status === 'verified' && identity.user.conversationId === undefined) {
      const key = createHash('sha256').update(String(channelData?.userToken)).digest('hex');
      const ttl = identity.user.expiresAt.getTime() - now.getTime();
      if (!(await this.deps.bindUserToken(key, conversationId, ttl))) identity = { status: 'invalid', reason: 'other_conversation' };
    }
    setTurnInfo(context, { nlu, identity, now });

    // What the bot says last is kept, so "能再说一遍吗" can be answered.
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      const said = activities.filter((x) => x.type === 'message' && x.text).at(-1)?.text;
      const profile = said ? await this.deps.profile.get(context) : undefined; // created by this turn's dialog if new
      if (said && profile) profile.lastReply = said.slice(0, 2000);
      return sendNext();
    });
    if ((await this.dialogVersion.get(context)) !== DIALOG_STATE_VERSION) {
      await this.dialogState.delete(context);
      await this.dialogVersion.set(context, DIALOG_STATE_VERSION);
    }
    const dc = await this.dialogs.createContext(context);
    // The survey never traps: a real question, a request for a person or any other business ends
    // it and is handled as usual; only answers (and one stray message) stay with it.
    if (dc.activeDialog?.id === SURVEY_DIALOG && !answersSurvey(text) && this.leavesSurvey(text, nlu)) {
      await dc.cancelAllDialogs();
      if (previous) previous.survey = undefined;
    }
    let result;
    try {
      result = await dc.continueDialog();
    } catch (err) {
      // A stored stack this build cannot resume (a dialog removed or renamed): start afresh, keep the profile.
      if (!(err instanceof Error) || !/wasn't found|was not found|not found/i.test(err.message)) throw err;
      dc.stack.splice(0, dc.stack.length);
      result = { status: DialogTurnStatus.empty };
    }
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ROOT_DIALOG);
    const profile = await this.deps.profile.get(context);
    if (profile) {
      profile.turns += 1;
      recordMessage(profile, maskPersonalData(text), nlu.emotion, now);
    }
  }
}

const LEAVE_SURVEY_HUMAN = /转人工|人工|真人|客服|human|agent|person/i;

function emptyNlu(locale: Locale): NluResult {
  return {
    locale,
    intent: 'None',
    score: 0,
    alternatives: [],
    entities: { orderIds: [], phones: [], amounts: [] },
    emotion: { label: 'neutral', score: 0, matched: [] },
  };
}
