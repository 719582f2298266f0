import { MessageFactory, type TurnContext } from 'botbuilder';
import { ComponentDialog, type DialogTurnResult, type PromptValidatorContext, TextPrompt, WaterfallDialog, type WaterfallStepContext, textOf } from './runtime';
import type { OrderIntent } from '../nlu/catalogue';
import { extractEntities, normaliseTyped } from '../nlu/entities';
import { type DialogDeps, handOff } from './deps';
import { replyForOrder } from './orderReplies';
import { type Order, OrderServiceUnavailableError, type ServiceRequestKind } from '../orders/orderService';
import { loadProfile, MAX_VERIFICATION_FAILURES, type ConversationProfile, type VerificationMethod } from './profile';
import { PROMPTS } from './prompts';
import { maskPersonalData } from '../kernel/pii';
import { getTurnInfo, quoteVerbatim } from './turnInfo';

export const ORDER_DIALOG = 'order';
const FLOW = 'order.flow';
export const ORDER_ID_PROMPT = 'order.id';
export const LAST4_PROMPT = 'order.last4';
export const CONFIRM_PROMPT = 'order.confirm';
const REASON_PROMPT = 'order.reason';
/** A second answer that is not an order number ends the asking: buttons, not a third lecture. */
const MAX_ORDER_ID_ATTEMPTS = 2;

export interface OrderDialogOptions {
  intent: OrderIntent;
  orderId?: string;
  /** An empathetic sentence to open the first answer with. */
  opener?: string;
  /** Set when the identity check is being retried, so the opener and notices are not repeated. */
  retry?: boolean;
  /** Proof the customer already gave with the request ("手机尾号1234", a full phone number). */
  phoneHint?: string;
  /** Further order numbers in the same message: answered one at a time, the customer told how to ask for the next. */
  otherOrderIds?: string[];
}

interface FlowValues {
  orderId?: string;
  order?: Order;
  offer?: ServiceRequestKind;
}

/** What the customer typed at the "last four digits" step: four digits, a whole phone number, or another order. */
type Last4Answer = { kind: 'digits'; digits: string } | { kind: 'phone'; phone: string } | { kind: 'order'; orderId: string };

/**
 * Order intents: take the order ID from the message or ask for it, verify identity before
 * revealing anything (the channel's signed token, or the last four digits of the order's phone;
 * three failures lock verification and hand off), then answer from the order and offer the
 * matching request. Unknown orders and other people's orders get the same reply as a wrong
 * answer, so the dialog never tells whether an order exists [001 三(三)].
 */
export class OrderDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(ORDER_DIALOG);
    this.addDialog(new TextPrompt(ORDER_ID_PROMPT, validateOrderId));
    this.addDialog(new TextPrompt(LAST4_PROMPT, validateLast4));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (pc) => parseYesNo(pc.recognized.value ?? '') !== undefined || pc.attemptCount >= 2));
    // Any reason is taken: a tapped button or the customer's own words.
    this.addDialog(new TextPrompt(REASON_PROMPT, async (pc) => (pc.recognized.value ?? '').trim().length > 0 || pc.attemptCount >= 2));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        this.askOrderId.bind(this),
        this.verify.bind(this),
        this.checkLast4.bind(this),
        this.answer.bind(this),
        this.askReason.bind(this),
        this.file.bind(this),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async profile(context: TurnContext): Promise<ConversationProfile> {
    return loadProfile(this.deps.profile, context, getTurnInfo(context).nlu.locale);
  }

  private async askOrderId(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    if (profile.verification.locked) {
      await step.context.sendActivity(p.verificationLocked);
      return step.endDialog();
    }
    if (step.options.orderId) return step.next(step.options.orderId);
    // The orders this conversation has already verified: one is the order meant; several, ask which.
    const remembered = [...new Set(profile.verification.verified.map((v) => v.orderId))];
    if (remembered.length === 1) return step.next(remembered[0]);
    const opener = this.takeOpener(step, profile.locale);
    if (remembered.length > 1) {
      return step.prompt(ORDER_ID_PROMPT, {
        prompt: MessageFactory.suggestedActions(remembered.slice(-4).reverse(), `${opener}${p.whichOrder}`),
        retryPrompt: MessageFactory.suggestedActions(remembered.slice(-4).reverse(), p.whichOrder),
      });
    }
    // A customer the app vouched for (signed token): their own orders, without asking for a number.
    const mine = await this.signedInOrders(step.context);
    if (mine.length === 1) return step.next(mine[0].id);
    if (mine.length > 1) {
      const ids = mine.map((o) => o.id);
      const list = mine.map((o) => `${o.id} · ${o.merchant} · ${p.status[o.status]}`).join('\n');
      return step.prompt(ORDER_ID_PROMPT, {
        prompt: MessageFactory.suggestedActions(ids, `${opener}${p.recentOrders}\n${list}\n${p.whichOrder}`),
        retryPrompt: MessageFactory.suggestedActions(ids, p.whichOrder),
      });
    }
    return step.prompt(ORDER_ID_PROMPT, {
      prompt: `${opener}${p.askOrderId}`,
      retryPrompt: MessageFactory.suggestedActions([p.noOrderIdButton, p.personButton], p.orderIdFormat),
    });
  }

  /** The empathetic opener, once: the first thing the bot says in this dialog carries it, nothing after. */
  private takeOpener(step: WaterfallStepContext<OrderDialogOptions>, locale: 'zh-CN' | 'en'): string {
    const opener = step.options.retry ? undefined : step.options.opener;
    step.options.opener = undefined;
    return opener ? `${opener}${locale === 'en' ? ' ' : ''}` : '';
  }

  private async verify(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    const orderId = typeof step.result === 'string' ? (extractEntities(step.result).orderIds[0] ?? step.options.orderId) : undefined;
    if (!orderId) {
      await step.context.sendActivity(MessageFactory.suggestedActions([p.myOrdersButton, p.personButton], p.orderIdGiveUp));
      return step.endDialog();
    }
    const values = step.values as FlowValues;
    values.orderId = orderId;

    const already = profile.verification.verified.find((v) => v.orderId === orderId);
    const { identity } = getTurnInfo(step.context);
    if (already || identity.status === 'verified') {
      const order = await this.lookup(step.context, orderId);
      if (order === 'unavailable') return step.endDialog();
      if (order && (already || (identity.status === 'verified' && order.customerId === identity.user.userId))) {
        if (!already) recordVerified(profile, orderId, 'token', getTurnInfo(step.context).now);
        values.order = order;
        return step.next({ kind: 'verified' });
      }
      if (identity.status === 'verified') {
        await step.context.sendActivity(p.notFoundForUser(orderId));
        return step.endDialog();
      }
    }
    if ((await this.deps.attempts.failures(orderId)) >= MAX_VERIFICATION_FAILURES) {
      // Locked for this order whichever conversation asks; the customer reaches a person instead.
      profile.verification.locked = true;
      await step.context.sendActivity(p.verificationLocked);
      await handOff(step.context, this.deps, profile, 'identity_failed', `order ${orderId} (locked)`);
      return step.endDialog();
    }
    if (identity.status === 'invalid' && !step.options.retry) await step.context.sendActivity(p.tokenInvalid);
    // Proof given with the request ("查订单 KF… 手机尾号1234") or with the order number ("KF… 1234") is used, not asked for again.
    const hint = step.options.phoneHint ?? (typeof step.result === 'string' ? phoneProofIn(step.result) : undefined);
    if (hint && !step.options.retry) return step.next(hint);
    const opener = this.takeOpener(step, profile.locale);
    return step.prompt(LAST4_PROMPT, { prompt: `${opener}${p.askPhoneLast4}`, retryPrompt: p.phoneLast4Format });
  }

  private async checkLast4(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const values = step.values as FlowValues;
    if (values.order) return step.next();
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    const answer = parseLast4(textOf(step.result));
    if (answer?.kind === 'order') {
      return step.replaceDialog(ORDER_DIALOG, { ...step.options, orderId: answer.orderId, retry: true });
    }
    const orderId = values.orderId as string;
    const order = await this.lookup(step.context, orderId);
    if (order === 'unavailable') return step.endDialog();
    if (order && answer && provesPhone(order.phone, answer)) {
      recordVerified(profile, orderId, 'phone_last4', getTurnInfo(step.context).now);
      values.order = order;
      return step.next();
    }
    profile.verification.failures += 1;
    const orderFailures = await this.deps.attempts.recordFailure(orderId);
    if (profile.verification.failures >= MAX_VERIFICATION_FAILURES || orderFailures >= MAX_VERIFICATION_FAILURES) {
      profile.verification.locked = true;
      await step.context.sendActivity(p.verificationLocked);
      await handOff(step.context, this.deps, profile, 'identity_failed', `order ${orderId}`);
      return step.endDialog();
    }
    await step.context.sendActivity(p.verificationFailed(MAX_VERIFICATION_FAILURES - Math.max(profile.verification.failures, orderFailures)));
    return step.replaceDialog(ORDER_DIALOG, { ...step.options, orderId, retry: true });
  }

  private async answer(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const values = step.values as FlowValues;
    const order = values.order as Order;
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    const { now } = getTurnInfo(step.context);
    // A meal is never "returned": "退了吧" about a food order asks for its money back.
    const intent = step.options.intent === 'return_exchange' && order.category === 'food' ? 'refund_request' : step.options.intent;
    const reply = replyForOrder(intent, order, profile.locale, now, this.deps.kb.menu.timeZone);
    quoteVerbatim(step.context, order.merchant);
    const policy = this.deps.kb.answer(intent, profile.locale);
    const sep = profile.locale === 'en' ? ' ' : '';
    const opener = this.takeOpener(step, profile.locale).trim() || (reply.late ? p.sorryLate : undefined);
    const others = (step.options.otherOrderIds ?? []).filter((id) => id !== order.id);
    const next = others.length ? p.nextOrder(others.join(profile.locale === 'en' ? ', ' : '、')) : undefined;
    const lines = [opener, ...reply.lines, reply.offer || reply.omitPolicy ? undefined : policy, next].filter((l): l is string => Boolean(l));
    await step.context.sendActivity(lines.join(sep));
    if (!reply.offer) return step.endDialog();
    values.offer = reply.offer;
    const question = `${p.offer[reply.offer]}${sep}${policy ?? ''}`.trim();
    return step.prompt(CONFIRM_PROMPT, {
      prompt: MessageFactory.suggestedActions([p.confirmYes, p.confirmNo], question),
      retryPrompt: MessageFactory.suggestedActions([p.confirmYes, p.confirmNo], p.offer[reply.offer]),
    });
  }

  /** Confirmed: the reason the request needs, from the operator's list (menu.json → requestReasons). */
  private async askReason(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const values = step.values as FlowValues;
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    if (!values.offer || !values.order || parseYesNo(textOf(step.result)) !== true) {
      await step.context.sendActivity(p.declined);
      return step.endDialog();
    }
    const reasons = values.offer === 'wrong_item' ? undefined : this.deps.kb.menu.requestReasons?.[values.offer];
    if (!reasons) return step.next();
    const labels = reasons.map((r) => (profile.locale === 'en' ? r.en : r.zh));
    return step.prompt(REASON_PROMPT, { prompt: MessageFactory.suggestedActions(labels, p.askReason(p.kindName[values.offer])) });
  }

  private async file(step: WaterfallStepContext<OrderDialogOptions>): Promise<DialogTurnResult> {
    const values = step.values as FlowValues;
    const profile = await this.profile(step.context);
    const p = PROMPTS[profile.locale];
    const order = values.order as Order;
    const kind = values.offer as ServiceRequestKind;
    const reason = typeof step.result === 'string' && step.result.trim() ? maskPersonalData(step.result.trim()).slice(0, 200) : undefined;
    try {
      const request = await this.deps.orders.submitRequest(order.id, kind, reason ? { reason } : {});
      quoteVerbatim(step.context, order.merchant, reason);
      await step.context.sendActivity(p.submitted({ kind: p.kindName[kind], id: request.id, orderId: order.id, ...(reason ? { reason } : {}) }));
    } catch (err) {
      if (!(err instanceof OrderServiceUnavailableError)) throw err;
      await step.context.sendActivity(p.orderServiceDown);
    }
    return step.endDialog();
  }

  /** The signed-in customer's recent orders (none without a valid token, or when the order service is down: then the number is asked). */
  private async signedInOrders(context: TurnContext): Promise<Order[]> {
    const { identity } = getTurnInfo(context);
    if (identity.status !== 'verified') return [];
    try {
      return await this.deps.orders.customerOrders(identity.user.userId, RECENT_ORDERS_SHOWN);
    } catch (err) {
      if (!(err instanceof OrderServiceUnavailableError)) throw err;
      return [];
    }
  }

  /** The order, undefined when there is none, or 'unavailable' after telling the customer. */
  private async lookup(context: TurnContext, orderId: string): Promise<Order | undefined | 'unavailable'> {
    try {
      return await this.deps.orders.findOrder(orderId);
    } catch (err) {
      if (!(err instanceof OrderServiceUnavailableError)) throw err;
      const profile = await this.profile(context);
      await context.sendActivity(PROMPTS[profile.locale].orderServiceDown);
      return 'unavailable';
    }
  }
}

/** Orders offered as buttons to a signed-in customer who gave no number. */
const RECENT_ORDERS_SHOWN = 4;

function recordVerified(profile: ConversationProfile, orderId: string, method: VerificationMethod, now: Date): void {
  // Failures are not reset: verifying one's own order must not buy more guesses at another.
  profile.verification.verified.push({ orderId, method, at: now.toISOString() });
}

async function validateOrderId(pc: PromptValidatorContext<string>): Promise<boolean> {
  const text = pc.recognized.value ?? '';
  if (extractEntities(text).orderIds.length > 0) return true;
  // After a few tries, stop asking; the next step explains where to find the number.
  return pc.attemptCount >= MAX_ORDER_ID_ATTEMPTS;
}

function parseLast4(text: string): Last4Answer | undefined {
  const typed = hanDigitsToAscii(normaliseTyped(text));
  const { orderIds, phones } = extractEntities(typed);
  if (orderIds[0]) return { kind: 'order', orderId: orderIds[0] };
  if (phones[0]) return { kind: 'phone', phone: phones[0] };
  // "1234", "尾号是1234", "last 4 are 1234": one group of four digits once the "4" of "last 4" is gone.
  const groups = typed.replace(LAST4_WORDS, ' ').match(/\d+/g) ?? [];
  return groups.length === 1 && groups[0].length === 4 ? { kind: 'digits', digits: groups[0] } : undefined;
}

const LAST4_WORDS = /last\s*(?:4|four)(?:\s*digits?)?|(?:后|末)\s*(?:4|四)\s*位|尾号/gi;
const HAN_DIGIT: Record<string, string> = {
  零: '0',
  〇: '0',
  一: '1',
  幺: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/** "一二三四" → "1234": digits read out one by one (a run of four or more Han digits). */
function hanDigitsToAscii(text: string): string {
  return text.replace(/[零〇一幺二两三四五六七八九]{4,}/gu, (run) => Array.from(run, (c) => HAN_DIGIT[c] ?? c).join(''));
}

/** Whether the answer proves the order's phone: its last four digits, or the whole number. */
function provesPhone(orderPhone: string, answer: Last4Answer): boolean {
  const phone = orderPhone.replace(/\D/g, '');
  if (answer.kind === 'digits') return phone.endsWith(answer.digits);
  if (answer.kind === 'phone') return phone === answer.phone || phone.endsWith(answer.phone);
  return false;
}

/**
 * Proof of the order's phone given in the same message as the request: "尾号1234", "后四位 1234",
 * "last 4 digits 1234", or a whole mobile number. Undefined when the message has none.
 */
export function phoneProofIn(text: string): string | undefined {
  const t = hanDigitsToAscii(normaliseTyped(text));
  const { phones, orderIds, residual } = extractEntities(t);
  if (phones[0]) return phones[0];
  const m = /(?:尾号|后四位|后4位|末四位|末4位|last\s*(?:4|four)(?:\s*digits?)?|ending(?:\s*in)?)\D{0,6}(\d{4})(?!\d)/i.exec(t);
  if (m) return m[1];
  // "KF202611220001 1234": four digits beside the order number are its proof.
  const groups = residual.match(/\d+/g) ?? [];
  return orderIds.length === 1 && groups.length === 1 && groups[0].length === 4 ? groups[0] : undefined;
}

async function validateLast4(pc: PromptValidatorContext<string>): Promise<boolean> {
  // A wrong-shaped answer counts as a failed attempt after the second try, so it cannot stall the lock.
  return parseLast4(pc.recognized.value ?? '') !== undefined || pc.attemptCount >= 2;
}

/** The whole message is a yes / a no ("要", "行", "n"). */
const YES_ALONE =
  /^(是|是的|好|好的|对|对的|确认|确定|确认提交|确定取消|确认取消|确定退款|确认退款|可以|行|嗯|嗯嗯|要|需要|提交|没问题|yes|y|yep|yeah|yup|ok|okay|sure|submit|please|confirm)[\s\p{P}]*$/iu;
const NO_ALONE = /^(不|不要|不用|不需要|暂不需要|否|算了|先不|no|n|nope|nah|not now)[\s\p{P}]*$/iu;
/** A message that opens with a clear yes / no and goes on ("好的 登记吧", "yes please", "no thanks, I'll wait"). */
const YES_FIRST = /^(是的|好的|好啊|对的|确认|可以的?|没问题|行吧|嗯嗯|yes|yep|yeah|yup|ok|okay|sure|no problem|no worries)([\s\p{P}]|$)/iu;
const NO_FIRST = /^(不要|不用|不需要|暂不需要|先不|no|nope|nah|not now)([\s\p{P}]|了|$)/iu;
/** A request for the action itself ("那就退吧", "取消吧", "just refund", "go ahead"): a yes, whatever came first. */
const ACT =
  /(^(确定|确认)要?(取消|退款|退|提交|登记|申请)|退吧|退款吧|取消吧|登记吧|提交吧|办吧|申请吧|换吧|就退|就取消|帮我(退|取消|提交|登记|办)|go ahead|do it|just (refund|cancel|do it)|please (refund|cancel|proceed)|proceed)/iu;
/** Second thoughts ("actually no wait, keep it", "先别", "还是不要了"): a no, whatever came first. */
const RETRACT = /(keep it|no wait|wait,? no|changed my mind|don'?t cancel|do not cancel|先别|还是不要|还是算了|不要取消|别取消|不退了|不用退)/iu;

/** Yes, no, or undefined when the message is neither (then it is handled as what it is). */
export function parseYesNo(text: string): boolean | undefined {
  const t = text
    .trim()
    .replace(/[\p{Extended_Pictographic}\u{FE0F}]/gu, '')
    .trim();
  if (!t) return /👍|👌/u.test(text) ? true : undefined;
  if (YES_ALONE.test(t)) return true;
  if (NO_ALONE.test(t)) return false;
  if (RETRACT.test(t)) return false;
  if (ACT.test(t)) return true;
  if (YES_FIRST.test(t)) return true;
  if (NO_FIRST.test(t)) return false;
  return undefined;
}
