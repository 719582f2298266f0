import { z } from 'zod';
import { dateFormat } from '../kernel/dates';
import type { RiskAssessment } from '../nlu/riskTypes';
import { Duration } from './duration';
import { PRIORITIES_BY_RANK, PRIORITY_RANK, Priority, SkillGroup, type HandoffReason } from './types';

const Route = z.object({ group: SkillGroup, priority: Priority }).strict();
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/** Whether Intl knows the zone: an unknown one would make every handoff fail at its first clock reading. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `handoff/data/routing.json`: which queue and how urgent, from reason, intent and risk [000 PART02, 003]. */
export const RoutingFile = z
  .object({
    sla: z.object({ urgent: Duration, high: Duration, normal: Duration }).strict(),
    /** Customers at or above this VIP level move up one priority level [000]. */
    vipLevelFrom: z.number().int().min(1),
    /** Orders above this amount move up one priority level [000]. */
    bigOrderYuan: z.number().positive(),
    byRiskCategory: z.object({ safety: Route, security: Route, legal: Route, food_safety: Route, abuse: Route }).strict(),
    byIntent: z.record(z.string(), Route),
    byReason: z.object({ identity_failed: Route, timeout: Route, nlu_fallback: Route, requested: Route }).strict(),
    workingHours: z.object({ from: ClockTime, to: ClockTime, timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Asia/Shanghai)') }).strict(),
    /** How soon a callback is promised within working hours (never past closing time): "今天 18:00 前" at 15:00 with 3h. */
    callbackWindow: Duration,
    maxWaitBeforeCallbackOffer: Duration,
    queueUpdateEvery: Duration,
    /** An agent's average time per conversation: the starting value of each group's measured rolling average. */
    avgHandleTime: Duration,
    /** How the dispatcher treats agents: presence, ring-no-answer, reply deadlines, the escalation chain. */
    dispatch: z
      .object({
        /** A console silent this long (no heartbeat, request or event stream) marks its agent away; their chats go back to the queue. */
        awayAfter: Duration,
        /** A dispatched chat the agent has not accepted (opened or answered) in this long goes to the next agent (ring-no-answer). */
        acceptTimeout: Duration,
        /** A customer message unanswered by the agent this long raises handoff.agent_slow; twice as long, another agent gets it. */
        replyTimeout: z.object({ urgent: Duration, high: Duration, normal: Duration }).strict(),
        /** An urgent or high-risk case nobody with the skill has taken in this long goes to the supervisors online, after twice as long to anyone online. */
        escalateAfter: Duration,
        /** A held conversation with no customer message this long gets one reminder; as long again, it closes as customer_idle. */
        customerIdleAfter: Duration,
        /** Whether a conversation closed for the customer's silence asks for the survey. */
        surveyAfterIdle: z.boolean(),
        /** How often every instance re-runs dispatch and the presence sweep (a safety net for events missed between instances). */
        sweepEvery: Duration,
      })
      .strict(),
  })
  .strict();
export type RoutingConfig = z.infer<typeof RoutingFile>;

export interface RoutingInput {
  reason: HandoffReason;
  risk: RiskAssessment;
  /** The customer's latest real intent, if any. */
  intent?: string;
  vipLevel: number;
  maxOrderAmount: number;
}

export interface RoutingDecision {
  group: SkillGroup;
  priority: Priority;
  slaMs: number;
}

/** Risk first, then the topic the customer was on, then the reason; VIPs and big orders up one level. */
export function route(config: RoutingConfig, input: RoutingInput): RoutingDecision {
  const base =
    input.risk.level !== 'none' && input.risk.category
      ? config.byRiskCategory[input.risk.category]
      : ((input.reason === 'identity_failed' ? config.byReason.identity_failed : undefined) ??
        (input.intent ? config.byIntent[input.intent] : undefined) ??
        config.byReason[input.reason === 'high_risk' ? 'requested' : input.reason]);
  let rank = PRIORITY_RANK[base.priority];
  if (input.vipLevel >= config.vipLevelFrom || input.maxOrderAmount > config.bigOrderYuan) rank = Math.max(0, rank - 1);
  const priority = PRIORITIES_BY_RANK[rank];
  return { group: base.group, priority, slaMs: config.sla[priority] };
}

const minutesOf = (hm: string): number => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
const hmOf = (minutes: number): string => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * When a callback ticket's customer can expect the call, from the working hours — a promise that
 * can be kept: inside hours, within the callback window but never past closing, rounded up to the
 * hour ("今天 18:00 前" at 15:00); before opening, "今天 9:00 后"; after closing, "明天 9:00 后".
 * `dueAt` is the ticket's SLA: the promised time, or opening time plus the window.
 */
export function callbackPromise(config: RoutingConfig, now: Date, locale: 'zh-CN' | 'en'): { within: string; dueAt: number } {
  const local = minutesOf(dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: config.workingHours.timeZone }).format(now));
  const from = minutesOf(config.workingHours.from);
  const to = minutesOf(config.workingHours.to);
  const zh = locale === 'zh-CN';
  // Whole minutes from now to a local clock time `minutes` (which may lie past midnight).
  const at = (minutes: number) => now.getTime() + (minutes - local) * 60_000 - (now.getTime() % 60_000);
  if (withinWorkingHours(config, now)) {
    const closing = to > local ? to : to + 24 * 60;
    const by = Math.min(closing, Math.ceil((local + config.callbackWindow / 60_000) / 60) * 60);
    const tomorrow = by >= 24 * 60;
    const hm = hmOf(by % (24 * 60));
    return { within: zh ? `${tomorrow ? '明天' : '今天'} ${hm} 前` : `by ${hm} ${tomorrow ? 'tomorrow' : 'today'}`, dueAt: at(by) };
  }
  const today = local < from;
  const opening = today ? from : from + 24 * 60;
  const within = zh ? `${today ? '今天' : '明天'} ${hmOf(from)} 后` : `after ${hmOf(from)} ${today ? 'today' : 'tomorrow'}`;
  return { within, dueAt: at(opening) + config.callbackWindow };
}

/** The promise in words only. */
export function callbackWindow(config: RoutingConfig, now: Date, locale: 'zh-CN' | 'en'): string {
  return callbackPromise(config, now, locale).within;
}

/** Whether `now` falls inside the configured working hours (local time of the config's zone). */
export function withinWorkingHours(config: RoutingConfig, now: Date): boolean {
  const hm = dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: config.workingHours.timeZone }).format(now);
  const { from, to } = config.workingHours;
  return from <= to ? hm >= from && hm < to : hm >= from || hm < to;
}
