import { ActivityTypes, type Middleware, TurnContext } from 'botbuilder';
import { handoffActivities, handoffNotice } from '../dialogs/handoffNotice';
import { type ProfileAccessor, riskWindow, toSnapshot } from '../dialogs/profile';
import { PROMPTS } from '../dialogs/prompts';
import { activityText, rememberReading } from '../dialogs/turnInfo';
import type { RiskAssessment } from '../nlu/riskTypes';
import type { HandoffTicket } from '../handoff/handoffService';
import type { Locale } from '../kernel/locale';
import type { HandoffDesk } from '../handoff/desk';
import type { HandoffService } from '../handoff/handoffService';
import type { StoredReference } from '../handoff/store';
import { detectLocale } from '../nlu/locale';
import { extractEntities } from '../nlu/entities';
import { normaliseLocale } from '../kernel/locale';
import { intentSignalOf, type RiskScanner } from '../nlu/risk';
import type { KefuRecognizer } from '../nlu/recognizer';
import type { RiskHandling } from '../dialogs/riskHandling';
import type { RiskScan } from '../nlu/riskTypes';
import type { Emotion } from '../nlu/types';
import { attachmentsOf, transcriptLine } from './transcriptLine';
import { type Logger } from '../kernel/log';
import { maskPersonalData } from '../kernel/pii';
import type { KeyValueStore } from '../infra/kv';
import type { EarlyRecords } from './earlyRecord';
import { parseYesNo } from '../dialogs/orderDialog';

export interface HandoffMiddlewareDeps {
  desk: HandoffDesk;
  /** Where a high-risk handoff is requested (the desk, timed for metrics); the desk when absent. */
  handoffs?: HandoffService;
  risk: RiskScanner;
  /** What the customer is told the moment a high-risk message is caught, per category (risk-handling.json). */
  riskHandling: RiskHandling;
  /** The topic intent counts too: a confident food_safety or account_stolen is a risk of that category. */
  recognizer: KefuRecognizer;
  profile: ProfileAccessor;
  /** Messages recorded before their turn waited (EarlyRecords), so the turn does not record them twice. */
  early?: EarlyRecords;
  /** Shared marks (the waiting acknowledgement is said at most once a minute per conversation, across instances). */
  kv: KeyValueStore;
  timeoutMs: number;
  clock: () => Date;
  log: Logger;
}

/** The model's risk score from which a message that alone is not a risk is read with the ones before it. */
const CONVERSATION_SCAN_FROM = 0.2;

/** While a handoff waits for a person, the customer's messages are acknowledged at most this often. */
const WAITING_ACK_EVERY_MS = 60_000;

const CALLBACK_REQUEST = /^(回电|要回电|登记回电|回拨|callback|call me back|call back)[\s\p{P}]*$/iu;

/**
 * Runs before the bot on every customer activity: records it, keeps the bot silent while a person
 * holds the conversation (relaying the message to the agent), hands off on a high-risk message,
 * and arms the response deadline that the bot's first reply clears.
 */
export class HandoffMiddleware implements Middleware {
  constructor(private readonly deps: HandoffMiddlewareDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    // Proactive turns (agent replies, notices) are recorded by whoever sends them.
    if (a.type === (ActivityTypes.Event as string) && a.name === 'ContinueConversation') return next();
    const { desk, clock } = this.deps;
    const conversationId = a.conversation.id;
    // The customer is typing: the agent holding the chat sees it; nothing else happens (no transcript, no bot).
    if (a.type === (ActivityTypes.Typing as string)) return void (await desk.customerTyping(conversationId));
    const now = clock();
    const reference = TurnContext.getConversationReference(a) as StoredReference;
    const text = activityText(a).trim();
    const shown = a.type === (ActivityTypes.Message as string) ? transcriptLine(text, a.attachments?.length ?? 0) : undefined;
    // A message that waited for its turn was recorded (and relayed) before the wait.
    const early = this.deps.early?.take(a.id);
    // The conversation's state is read alongside (the risk scan and the bot need it unless a person holds the chat).
    const state = text ? this.deps.profile.get(context) : undefined;
    state?.catch(() => undefined); // awaited below where it is used; a held chat never needs it
    const isMessage = a.type === (ActivityTypes.Message as string);
    // The response deadline is armed with the record (one round trip), before the risk scan: a
    // turn that dies from here on still leaves the customer a deadline. A message recorded early
    // was recorded without it.
    const inbound = early
      ? { held: await desk.heldFor(conversationId), armed: false }
      : await desk.recordInbound(reference, shown, { attachments: attachmentsOf(a), deadlineAt: isMessage ? now.getTime() + this.deps.timeoutMs : undefined });
    const held = inbound.held;
    if (held) {
      if (shown === undefined) return;
      const locale = held.packet.locale;
      const booked = held.status === 'queued' && CALLBACK_REQUEST.test(text) ? await desk.bookCallback(held) : undefined;
      if (booked) {
        const phone = booked.callback?.phone ? maskPersonalData(booked.callback.phone) : undefined;
        await this.reply(context, PROMPTS[locale].handoff.callbackBooked({ within: desk.callbackWithin(locale), phone }), 'system');
        return;
      }
      // The agent sees the message first: the risk scan (a round trip to the NLU worker) and any
      // escalation follow it, as handoff.updated.
      if (!early?.relayed) await desk.relayToAgent(held, shown);
      // A high-risk message while waiting (or while talking to an agent) still escalates the handoff.
      const risk = text ? await this.scanRisk(context, text, locale) : undefined;
      let answered = false;
      if (risk && risk.level !== 'none') {
        this.deps.log.warn('audit: high-risk message during a handoff, escalating', {
          audit: true,
          conversation: conversationId,
          handoff: held.id,
          category: risk.category,
          riskLevel: risk.level,
          matched: risk.matched,
        });
        const handled = { ...this.handled(risk, text), evidence: [shown] };
        const ticket = await this.highRiskHandoff(context, reference, locale, handled, this.deps.recognizer.emotionOf(text, locale));
        const reply = this.deps.riskHandling.reply(handled, text, locale);
        if (ticket.status === 'queued' && reply) {
          await this.reply(context, reply, 'system');
          answered = true;
        }
      }
      // The holder of a callback ticket gets the number the customer gives, whole, on the ticket.
      const given = held.callback && text ? extractEntities(text.normalize('NFKC')).phones[0] : undefined;
      if (given) await desk.setCallbackPhone(held, given);
      // Nobody has the chat yet: the customer is not left talking to silence. Once a minute at most.
      if (!answered && held.status !== 'assigned' && (await this.deps.kv.setIfAbsent(`waiting-ack:${conversationId}`, '1', WAITING_ACK_EVERY_MS))) {
        const p = PROMPTS[locale].handoff;
        const category = held.packet.risk.category;
        const urgent = category === 'safety' || category === 'security' || category === 'food_safety' ? p.waitingAckUrgent[category] : p.waitingAckUrgent.other;
        await this.reply(context, held.priority === 'urgent' ? urgent : p.waitingAck, 'system');
      }
      return; // a person holds the conversation: the bot says nothing of its own, on every path
    }

    // A callback ticket's customer sends the number to call: it goes on the ticket, not to the bot.
    const phone = text ? extractEntities(text.normalize('NFKC')).phones[0] : undefined;
    if (phone) {
      const ticket = await desk.openCallbackTicket(conversationId);
      if (ticket && (await desk.setCallbackPhone(ticket, phone))) {
        if (inbound.armed) await desk.clearDeadline(conversationId); // the bot does not answer this one
        await this.reply(context, PROMPTS[ticket.packet.locale].handoff.callbackPhoneSaved(maskPersonalData(phone)), 'system');
        return;
      }
    }

    if (text) {
      // The same hint the bot reads the message with, so the bot reuses this reading (one recognition per message).
      const hint = (await state)?.locale ?? normaliseLocale(a.locale);
      const risk = await this.scanConversation(context, text, shown ?? text, hint, now);
      if (risk.level !== 'none') {
        const locale = detectLocale(text, normaliseLocale(a.locale));
        this.deps.log.warn('audit: high-risk message, handing off', {
          audit: true,
          conversation: conversationId,
          category: risk.category,
          riskLevel: risk.level,
          matched: risk.matched,
          messages: risk.evidence?.length ?? 1,
        });
        await desk.recordRisk(conversationId, risk);
        const handled = this.handled(risk, text);
        const ticket = await this.highRiskHandoff(context, reference, locale, handled, this.deps.recognizer.emotionOf(text, locale));
        // Opening clears the deadline; an escalated callback ticket does not, and the bot is not answering.
        if (inbound.armed) await desk.clearDeadline(conversationId);
        const lead = this.deps.riskHandling.reply(handled, text, locale);
        await context.sendActivities(handoffActivities(context, ticket, locale, lead));
        await desk.recordOutbound(conversationId, handoffNotice(ticket, locale, lead), 'system');
        return; // the bot is locked out of this conversation
      }
    }

    let armed = inbound.armed || (early !== undefined && isMessage && (await desk.armDeadline(conversationId, now.getTime() + this.deps.timeoutMs)));
    let late = false;
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      if (armed) {
        armed = false;
        // The deadline already fired elsewhere and a person has the conversation: drop the late answer.
        late = await desk.answerIsLate(conversationId);
      }
      if (late) return [];
      for (const out of activities) {
        if (out.type === (ActivityTypes.Message as string) && out.text) await desk.recordOutbound(conversationId, out.text, 'bot');
      }
      return sendNext();
    });
    await next();
    if (armed) await desk.clearDeadline(conversationId);
  }

  /** The risk with the name of the handling the customer gets, so the close follows it too. */
  private handled(risk: RiskScan, text: string): RiskScan {
    const handling = this.deps.riskHandling.for(risk, text);
    return handling ? { ...risk, handling: handling.name } : risk;
  }

  /** Opens (or escalates) the conversation's handoff with reason high_risk. */
  private async highRiskHandoff(
    context: TurnContext,
    reference: StoredReference,
    locale: Locale,
    risk: RiskAssessment,
    emotion: Emotion,
  ): Promise<HandoffTicket> {
    return (this.deps.handoffs ?? this.deps.desk).requestHandoff({
      reference,
      customerId: context.activity.from.id,
      locale,
      reason: 'high_risk',
      risk,
      snapshot: toSnapshot(await this.deps.profile.get(context), {
        displayName: context.activity.from.name,
        emotion: { label: emotion.label, score: emotion.score },
      }),
    });
  }

  /**
   * The newest message alone, then — when it carries some risk signal of its own but not enough —
   * read together with the customer's previous messages of the last minutes: two anxious messages
   * about a child vomiting are one food-safety case. The evidence is the messages read.
   */
  private async scanConversation(context: TurnContext, text: string, shown: string, hint: Locale | undefined, now: Date): Promise<RiskScan> {
    const alone = await this.scanRisk(context, text, hint);
    if (alone.level !== 'none') {
      // The lead-up belongs in the evidence when, read together, it is the same matter.
      const earlier = riskWindow(await this.deps.profile.get(context), now);
      const together = earlier.length ? this.deps.risk.scanConversation(earlier, text) : undefined;
      return { ...alone, evidence: together?.category === alone.category ? [...earlier, shown] : [shown] };
    }
    // A reply with no matter of its own ("是的", "ok", "1234") adds nothing to what came before.
    if (alone.score < CONVERSATION_SCAN_FROM || !hasSubstance(text)) return alone;
    const earlier = riskWindow(await this.deps.profile.get(context), now);
    if (earlier.length === 0) return alone;
    const together = this.deps.risk.scanConversation(earlier, text);
    return together.level !== 'none' ? { ...together, evidence: [...earlier, shown] } : alone;
  }

  /** Lexicon and model first; only when they see nothing is the intent asked (it costs a recognition). */
  private async scanRisk(context: TurnContext, text: string, hint: Locale | undefined): Promise<RiskScan> {
    const first = this.deps.risk.scan(text);
    if (first.level !== 'none' || !this.deps.recognizer.ready) return first;
    const nlu = await this.deps.recognizer.recognize(text, hint ? { hint } : {});
    rememberReading(context, text, hint, nlu);
    // Most intents are no risk topic: the first scan stands, without reading the text a second time.
    const signal = intentSignalOf(nlu);
    return this.deps.risk.isRiskTopic(signal) ? this.deps.risk.scan(text, signal) : first;
  }

  private async reply(context: TurnContext, text: string, speaker: 'bot' | 'system'): Promise<void> {
    await context.sendActivity(text);
    await this.deps.desk.recordOutbound(context.activity.conversation.id, text, speaker);
  }
}

/** Whether a message says something of its own: more than a yes/no, a number or a couple of characters. */
function hasSubstance(text: string): boolean {
  const t = text.replace(/[\s\p{P}\p{S}\d]+/gu, '');
  if (parseYesNo(text) !== undefined) return false;
  return /\p{Script=Han}/u.test(t) ? Array.from(t).length >= 4 : t.length >= 12;
}
