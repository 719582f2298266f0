import { randomInt } from 'node:crypto';
import { HandoffIdTakenError } from './errors';
import type { OrderService } from '../orders/orderService';
import { maskPersonalData } from '../kernel/pii';
import { AgentDirectory, type Agent } from './agents';
import { ContextPacket, summarise } from './contextPacket';
import type { EventBus } from './events';
import type { HandoffRequest, HandoffTicket } from './handoffService';
import { callbackPromise, callbackWindow, route, withinWorkingHours, type RoutingConfig } from './routing';
import type { HandoffRecord, HandoffStore, TransitionResult } from './store';
import { queueScore, type SkillGroup } from './types';

export interface HandoffEngineDeps {
  store: HandoffStore;
  events: EventBus;
  agents: AgentDirectory;
  routing: RoutingConfig;
  orders: OrderService;
  clock: () => Date;
}

/**
 * Opens handoffs with the full context, routes them to a group and priority, assigns them to the
 * least-loaded online agent with the skill, or turns them into callback tickets when nobody can
 * take them. Every state change goes through the store's atomic transitions.
 */
type PacketOrder = ContextPacket['orders'][number] & { phone?: string };

/** How long the timeout handoff lets the order lookup run before it opens without the details. */
const TIMEOUT_LOOKUP_BUDGET_MS = 150;

/** The promise's value if it settles within `ms` (undefined value on rejection); `{}` when it does not. */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<{ value?: T }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ value?: T }>((resolve) => {
    timer = setTimeout(() => resolve({}), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })).catch(() => ({})), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a queued customer was last told, carried in the notice's member so any instance can compare: "p3e6" (place, minutes) or "n" (nobody online); "o" once a callback was offered. */
export function told(wait: { position?: number; etaMinutes?: number; nobodyOnline?: boolean }, offered = false): string {
  return `${wait.nobodyOnline ? 'n' : `p${wait.position ?? 0}e${wait.etaMinutes ?? 0}`}${offered ? 'o' : ''}`;
}
export const noticeMember = (id: string, lastTold: string): string => `${id}|${lastTold}`;
export function parseNoticeMember(member: string): { id: string; position?: number; eta?: number; nobody: boolean; offered: boolean } {
  const [id = '', t = ''] = member.split('|');
  const m = /^p(\d+)e(\d+)/.exec(t);
  return { id, nobody: t.startsWith('n'), offered: t.endsWith('o'), ...(m ? { position: Number(m[1]), eta: Number(m[2]) } : {}) };
}

export class HandoffEngine {
  constructor(private readonly deps: HandoffEngineDeps) {}

  get store(): HandoffStore {
    return this.deps.store;
  }

  /** Builds the context packet, routes it and opens it (or adds the reason to the open one). Placement is the desk's dispatch. */
  async open(request: HandoffRequest): Promise<{ created: boolean; handoff: HandoffRecord }> {
    const { store, clock } = this.deps;
    const now = clock();
    const conversationId = request.reference.conversation.id;
    const risk = request.risk ?? { level: 'none' as const, matched: [] };
    // The timeout handoff exists to route around something slow: it never waits on the order service.
    // What is known goes in now; a lookup still running completes the packet when it returns.
    const lookup = this.lookupOrders(request);
    const late = request.reason === 'timeout' ? await settlesWithin(lookup, TIMEOUT_LOOKUP_BUDGET_MS) : undefined;
    const [orders, transcript] = await Promise.all([
      late === undefined ? lookup : (late.value ?? request.snapshot.verifiedOrderIds.slice(0, 5).map((id): PacketOrder => ({ id, verified: true }))),
      store.transcript(conversationId),
    ]);
    const lastIntent = [...request.snapshot.intentHistory].reverse().find((h) => h.intent !== 'None' && h.intent !== 'human_agent')?.intent;
    const decision = route(this.deps.routing, {
      reason: request.reason,
      risk,
      intent: lastIntent,
      vipLevel: request.snapshot.vipLevel,
      maxOrderAmount: Math.max(0, ...orders.map((o) => (o.verified ? (o.amount ?? 0) : 0))),
    });
    const slaDueAt = now.getTime() + decision.slaMs;
    const draft = {
      version: 1 as const,
      createdAt: now.toISOString(),
      conversation: { id: conversationId, channelId: request.reference.channelId ?? 'unknown' },
      customer: {
        id: request.customerId,
        displayName: request.snapshot.displayName === undefined ? undefined : maskPersonalData(request.snapshot.displayName),
        vipLevel: request.snapshot.vipLevel,
        verification: request.snapshot.verification,
        maskedPhone: orders.find((o) => o.verified && o.phone)?.phone,
      },
      locale: request.locale,
      reason: request.reason,
      reasons: [request.reason],
      priority: decision.priority,
      slaDueAt: new Date(slaDueAt).toISOString(),
      group: decision.group,
      risk,
      orders: orders.map(({ phone: _p, ...o }) => o),
      intentHistory: request.snapshot.intentHistory,
      entities: { ...request.snapshot.entities, phones: request.snapshot.entities.phones.map(maskPersonalData) },
      emotion: request.snapshot.emotion,
      transcript,
      ...(request.note ? { note: maskPersonalData(request.note) } : {}),
    };
    const packet = ContextPacket.parse({ ...draft, summary: summarise(draft) });
    const record: HandoffRecord = {
      id: newHandoffId(now),
      conversationId,
      status: 'queued',
      reasons: [request.reason],
      group: decision.group,
      priority: decision.priority,
      createdAt: now.getTime(),
      slaDueAt,
      transfers: [],
      packet,
      reference: request.reference,
    };
    const opened = await openWithFreshId(store, record, now);
    const handoff = opened.handoff;
    if (late && late.value === undefined && opened.created) {
      void lookup.then((found) => store.updatePacket(handoff.id, (p) => ({ ...p, orders: found.map(({ phone: _p, ...o }) => o) }))).catch(() => undefined); // the packet keeps the order IDs; the agent can look them up
    }
    if (opened.created) {
      await this.deps.events.publish({
        type: 'handoff.new',
        handoffId: handoff.id,
        conversationId,
        group: handoff.group,
        priority: handoff.priority,
        summary: packet.summary,
        reason: request.reason,
        at: now.toISOString(),
      });
    } else {
      await this.deps.events.publish({
        type: 'handoff.updated',
        handoffId: handoff.id,
        conversationId,
        group: handoff.group,
        priority: handoff.priority,
        reasons: handoff.reasons,
        at: now.toISOString(),
      });
    }
    return opened;
  }

  callbackWithin(locale: 'zh-CN' | 'en'): string {
    return callbackWindow(this.deps.routing, this.deps.clock(), locale);
  }

  /**
   * Turns a handoff into a callback ticket: promised by the working hours, on the phone of the
   * customer's verified order when there is one (otherwise the customer is asked for a number).
   */
  async toCallback(handoff: HandoffRecord): Promise<TransitionResult> {
    const now = this.deps.clock();
    const { dueAt } = callbackPromise(this.deps.routing, now, handoff.packet.locale);
    const cb = await this.deps.store.toCallback(handoff.id, now.getTime(), { dueAt, phone: await this.verifiedPhone(handoff) });
    if (cb.ok)
      await this.deps.events.publish({
        type: 'handoff.callback',
        handoffId: handoff.id,
        conversationId: handoff.conversationId,
        group: handoff.group,
        at: now.toISOString(),
      });
    return cb;
  }

  /**
   * The whole phone number of the customer's first verified order, if the order service answers
   * at once: opening a callback never waits on it (the customer is asked for a number instead).
   */
  private async verifiedPhone(handoff: HandoffRecord): Promise<string | undefined> {
    const first = handoff.packet.orders.find((x) => x.verified);
    if (!first) return undefined;
    const found = await settlesWithin(this.deps.orders.findOrder(first.id), TIMEOUT_LOOKUP_BUDGET_MS);
    return found.value?.phone;
  }

  /**
   * Urgent and high-risk cases are never parked: they wait, at the head of the queue, for the
   * dispatcher and the escalation chain, and their SLA alert fires [003 三秒响应].
   */
  static neverParked(h: HandoffRecord): boolean {
    return h.priority === HandoffEngine.NEVER_PARKED.priority || h.reasons.includes(HandoffEngine.NEVER_PARKED.reason);
  }

  /** neverParked's rule as a store query (waitingWith): the escalation chain finds them without reading the queue. */
  static readonly NEVER_PARKED = { priority: 'urgent', reason: 'high_risk' } as const;

  /**
   * A handoff the dispatcher could not place: with nobody online who could take it (or outside
   * working hours) it becomes a callback ticket, unless it may never be parked; otherwise it waits
   * and its first queue notice is scheduled.
   */
  async park(handoff: HandoffRecord): Promise<HandoffRecord> {
    const { store, clock, routing } = this.deps;
    const now = clock();
    if (!HandoffEngine.neverParked(handoff) && (!withinWorkingHours(routing, now) || (await this.servingAgents(handoff.group)).length === 0)) {
      const cb = await this.toCallback(handoff);
      if (cb.ok) return cb.handoff;
    }
    await store.scheduleNotice(noticeMember(handoff.id, told(await this.wait(handoff))), now.getTime() + routing.queueUpdateEvery);
    return handoff;
  }

  /** Agents online now who have the group's skill. */
  async servingAgents(group: SkillGroup): Promise<Agent[]> {
    const presence = await this.deps.store.presence();
    return this.deps.agents.withSkill(group).filter((a) => presence[a.id] === 'online');
  }

  async ticket(handoff: HandoffRecord, created: boolean, reason = handoff.reasons[0]): Promise<HandoffTicket> {
    const ticket: HandoffTicket = { id: handoff.id, created, status: handoff.status, reason, packet: handoff.packet };
    if (handoff.status === 'queued') Object.assign(ticket, await this.wait(handoff));
    if (handoff.status === 'assigned' && handoff.assignedTo) ticket.agentName = this.deps.agents.get(handoff.assignedTo)?.name;
    if (handoff.status === 'callback') {
      ticket.callbackWithin = this.callbackWithin(handoff.packet.locale);
      if (handoff.callback?.phone) ticket.callbackPhone = maskPersonalData(handoff.callback.phone);
    }
    return ticket;
  }

  /**
   * An honest wait: the place counts only the handoffs ahead that the same agents would serve
   * first; the minutes come from those agents' capacity and the group's measured handle time.
   * With nobody online who could take it there is no estimate, and the customer is told so.
   */
  async wait(handoff: HandoffRecord): Promise<Pick<HandoffTicket, 'position' | 'etaMinutes' | 'nobodyOnline' | 'callbackOffered'>> {
    const { store, routing } = this.deps;
    const serving = await this.servingAgents(handoff.group);
    const groups = [...new Set<SkillGroup>([handoff.group, ...serving.flatMap((a) => a.skills)])];
    // Counted in the queues, not read: a long queue at peak hour costs a count per group, not a read per customer.
    const [ahead, loads, handleTimes] = await Promise.all([
      store.ahead(groups, queueScore(handoff.priority, handoff.createdAt)),
      store.loads(),
      store.handleTimes(),
    ]);
    const position = ahead + 1;
    const callbackOffered = !HandoffEngine.neverParked(handoff);
    if (serving.length === 0) return { position, nobodyOnline: true, callbackOffered };
    const capacity = serving.reduce((n, a) => n + a.capacity, 0);
    const free = serving.reduce((n, a) => n + Math.max(0, a.capacity - (loads[a.id] ?? 0)), 0);
    const aht = handleTimes[handoff.group] ?? routing.avgHandleTime;
    // Those ahead beyond the free seats each wait for a seat to free: capacity seats free every aht.
    const rounds = Math.max(0, position - free) / capacity;
    return { position, etaMinutes: Math.max(1, Math.ceil((rounds * aht) / 60_000)), callbackOffered };
  }

  async claim(id: string, agent: Agent): Promise<TransitionResult> {
    const result = await this.deps.store.claim(id, { id: agent.id, capacity: agent.capacity }, this.deps.clock().getTime());
    if (result.ok)
      await this.deps.events.publish({
        type: 'handoff.assigned',
        handoffId: id,
        conversationId: result.handoff.conversationId,
        agentId: agent.id,
        at: this.deps.clock().toISOString(),
      });
    return result;
  }

  async claimNext(agent: Agent): Promise<HandoffRecord | undefined> {
    const h = await this.deps.store.claimNext({ id: agent.id, capacity: agent.capacity }, agent.skills, this.deps.clock().getTime());
    if (h)
      await this.deps.events.publish({
        type: 'handoff.assigned',
        handoffId: h.id,
        conversationId: h.conversationId,
        agentId: agent.id,
        at: this.deps.clock().toISOString(),
      });
    return h;
  }

  async transfer(
    id: string,
    by: Agent,
    to: { group: SkillGroup } | { agentId: string },
    note?: string,
  ): Promise<TransitionResult | { ok: false; error: 'unknown_agent' }> {
    let target: { group: SkillGroup } | { agent: { id: string; capacity: number } };
    if ('agentId' in to) {
      const agent = this.deps.agents.get(to.agentId);
      if (!agent) return { ok: false, error: 'unknown_agent' };
      target = { agent: { id: agent.id, capacity: agent.capacity } };
    } else {
      target = to;
    }
    const result = await this.deps.store.transfer(
      id,
      { id: by.id, capacity: by.capacity, supervisor: by.supervisor },
      target,
      note === undefined ? undefined : maskPersonalData(note),
      this.deps.clock().getTime(),
    );
    if (result.ok) {
      await this.deps.events.publish({
        type: 'handoff.transferred',
        handoffId: id,
        conversationId: result.handoff.conversationId,
        by: by.id,
        at: this.deps.clock().toISOString(),
        ...('group' in target ? { toGroup: target.group } : { toAgent: target.agent.id }),
      });
    }
    return result;
  }

  async close(id: string, by: Agent, resolution: string, tags: string[]): Promise<TransitionResult> {
    const masked = maskPersonalData(resolution);
    const result = await this.deps.store.close(id, { id: by.id, capacity: by.capacity, supervisor: by.supervisor }, masked, tags, this.deps.clock().getTime());
    if (result.ok)
      await this.deps.events.publish({
        type: 'handoff.closed',
        handoffId: id,
        conversationId: result.handoff.conversationId,
        agentId: by.id,
        resolution: masked,
        at: this.deps.clock().toISOString(),
      });
    return result;
  }

  /**
   * The orders for the packet: verified ones looked up; ones the customer only mentioned are
   * recorded as mentioned — no status, amount or merchant (whoever typed an ID has not proven it is
   * theirs, and the packet must not tell them whether it exists), and they never raise priority.
   */
  private async lookupOrders(request: HandoffRequest): Promise<PacketOrder[]> {
    const verified = new Set(request.snapshot.verifiedOrderIds);
    const ids = [...new Set([...request.snapshot.verifiedOrderIds, ...request.snapshot.entities.orderIds])].slice(0, 5);
    const found = await Promise.all(
      ids.map(async (id) => {
        if (!verified.has(id)) return { id, verified: false };
        try {
          const o = await this.deps.orders.findOrder(id);
          return o
            ? {
                id: o.id,
                status: o.status,
                amount: o.amount,
                merchant: o.merchant,
                verified: true,
                phone: maskPersonalData(o.phone),
              }
            : undefined;
        } catch {
          return undefined; // the packet is still worth sending without this order
        }
      }),
    );
    return found.filter((o): o is NonNullable<typeof o> => o !== undefined);
  }
}

/**
 * A handoff's id, told to the customer (编号): the time, then 8 random base-36 characters (41 bits),
 * so ids made in the same millisecond, on any instance, practically never meet.
 */
export function newHandoffId(now: Date): string {
  return `H${now.getTime().toString(36)}${randomInt(36 ** 8)
    .toString(36)
    .padStart(8, '0')}`.toUpperCase();
}

/** Opens `record`; should its id be taken after all, with another one (the store wrote nothing). */
export async function openWithFreshId(store: HandoffStore, record: HandoffRecord, now: Date): Promise<{ created: boolean; handoff: HandoffRecord }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store.open(attempt === 1 ? record : { ...record, id: newHandoffId(now) });
    } catch (err) {
      if (!(err instanceof HandoffIdTakenError) || attempt >= 3) throw err;
    }
  }
}
