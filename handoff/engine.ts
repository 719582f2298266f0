import { randomUUID } from 'node:crypto';
import type { OrderService } from '../orders/orderService';
import { maskPersonalData } from '../kernel/pii';
import { AgentDirectory, type Agent } from './agents';
import { ContextPacket, summarise } from './contextPacket';
import type { EventBus } from './events';
import type { HandoffRequest, HandoffService, HandoffTicket } from './handoffService';
import { route, withinWorkingHours, type RoutingConfig } from './routing';
import type { HandoffRecord, HandoffStore, Survey, TransitionResult } from './store';
import type { SkillGroup } from './types';

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
export class HandoffEngine implements HandoffService {
  constructor(private readonly deps: HandoffEngineDeps) {}

  get store(): HandoffStore {
    return this.deps.store;
  }

  async requestHandoff(request: HandoffRequest): Promise<HandoffTicket> {
    const { store, clock } = this.deps;
    const now = clock();
    const conversationId = request.reference.conversation.id;
    const risk = request.risk ?? { level: 'none' as const, matched: [] };
    const [orders, transcript] = await Promise.all([this.lookupOrders(request), store.transcript(conversationId)]);
    const lastIntent = [...request.snapshot.intentHistory].reverse().find((h) => h.intent !== 'None' && h.intent !== 'human_agent')?.intent;
    const decision = route(this.deps.routing, {
      reason: request.reason,
      risk,
      intent: lastIntent,
      vipLevel: request.snapshot.vipLevel,
      maxOrderAmount: Math.max(0, ...orders.map((o) => o.amount)),
    });
    const slaDueAt = now.getTime() + decision.slaMs;
    const draft = {
      version: 1 as const,
      createdAt: now.toISOString(),
      conversation: { id: conversationId, channelId: request.reference.channelId ?? 'unknown' },
      customer: {
        id: request.customerId,
        displayName: request.snapshot.displayName,
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
      id: `H${now.getTime().toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`,
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
    const opened = await store.open(record);
    let handoff = opened.handoff;
    if (opened.created) {
      await this.deps.events.publish({
        type: 'handoff.new',
        handoffId: handoff.id,
        conversationId,
        group: handoff.group,
        priority: handoff.priority,
        summary: packet.summary,
        at: now.toISOString(),
      });
      handoff = await this.place(handoff);
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
      if (handoff.status === 'queued') handoff = await this.place(handoff);
    }
    return this.ticket(handoff, opened.created, request.reason);
  }

  callbackWithin(locale: 'zh-CN' | 'en'): string {
    return this.deps.routing.callbackWithin[locale === 'zh-CN' ? 'zh' : 'en'];
  }

  /**
   * Assign to the least-loaded online agent with the skill; with nobody online (or out of hours),
   * a new handoff becomes a callback ticket. A transferred one stays queued and never goes back
   * to the agent who passed it on.
   */
  private async place(handoff: HandoffRecord, options: { allowCallback: boolean; exclude?: string } = { allowCallback: true }): Promise<HandoffRecord> {
    const { store, agents, clock, routing } = this.deps;
    const now = clock();
    const [presence, loads] = await Promise.all([store.presence(), store.loads()]);
    const online = agents.withSkill(handoff.group).filter((a) => presence[a.id] === 'online' && a.id !== options.exclude);
    const candidates = online.filter((a) => (loads[a.id] ?? 0) < a.capacity).sort((a, b) => (loads[a.id] ?? 0) / a.capacity - (loads[b.id] ?? 0) / b.capacity);
    for (const agent of candidates) {
      const claimed = await store.claim(handoff.id, { id: agent.id, capacity: agent.capacity }, now.getTime());
      if (claimed.ok) {
        await this.deps.events.publish({
          type: 'handoff.assigned',
          handoffId: handoff.id,
          conversationId: handoff.conversationId,
          agentId: agent.id,
          at: now.toISOString(),
        });
        return claimed.handoff;
      }
    }
    // A high-risk case is never parked as a callback: it waits, urgent, and its SLA alert fires.
    if (options.allowCallback && (online.length === 0 || !withinWorkingHours(routing, now)) && !handoff.reasons.includes('high_risk')) {
      const cb = await store.toCallback(handoff.id, now.getTime());
      if (cb.ok) {
        await this.deps.events.publish({ type: 'handoff.callback', handoffId: handoff.id, conversationId: handoff.conversationId, at: now.toISOString() });
        return cb.handoff;
      }
    }
    await store.scheduleNotice(handoff.id, now.getTime() + routing.queueUpdateEvery);
    return handoff;
  }

  async ticket(handoff: HandoffRecord, created: boolean, reason = handoff.reasons[0]): Promise<HandoffTicket> {
    const ticket: HandoffTicket = { id: handoff.id, created, status: handoff.status, reason, packet: handoff.packet };
    if (handoff.status === 'queued') {
      const position = await this.position(handoff);
      ticket.position = position;
      ticket.etaMinutes = Math.max(
        1,
        Math.ceil((position * this.deps.routing.avgHandleTime) / 60_000 / Math.max(1, this.deps.agents.withSkill(handoff.group).length)),
      );
    }
    if (handoff.status === 'assigned' && handoff.assignedTo) ticket.agentName = this.deps.agents.get(handoff.assignedTo)?.name;
    if (handoff.status === 'callback') ticket.callbackWithin = this.callbackWithin(handoff.packet.locale);
    return ticket;
  }

  async position(handoff: HandoffRecord): Promise<number> {
    const queue = (await this.deps.store.queued()).filter((h) => h.status === 'queued' && h.group === handoff.group);
    const i = queue.findIndex((h) => h.id === handoff.id);
    return i < 0 ? queue.length + 1 : i + 1;
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
      if (result.handoff.status === 'queued') return { ok: true, handoff: await this.place(result.handoff, { allowCallback: false, exclude: by.id }) };
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

  async saveSurvey(id: string, survey: Survey): Promise<void> {
    const result = await this.deps.store.saveSurvey(id, survey);
    if (result.ok && survey.flagged)
      await this.deps.events.publish({ type: 'survey.flagged', handoffId: id, conversationId: result.handoff.conversationId, at: survey.at });
  }

  private async lookupOrders(request: HandoffRequest): Promise<Array<ContextPacket['orders'][number] & { phone?: string }>> {
    const ids = [...new Set([...request.snapshot.verifiedOrderIds, ...request.snapshot.entities.orderIds])].slice(0, 5);
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          const o = await this.deps.orders.findOrder(id);
          return o
            ? {
                id: o.id,
                status: o.status,
                amount: o.amount,
                merchant: o.merchant,
                verified: request.snapshot.verifiedOrderIds.includes(o.id),
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
