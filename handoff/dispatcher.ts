import type { Agent, AgentDirectory } from './agents';
import type { EventBus } from './events';
import type { RoutingConfig } from './routing';
import type { HandoffRecord, HandoffStore } from './store';

export interface Assignment {
  handoff: HandoffRecord;
  agent: Agent;
}

export interface DispatcherDeps {
  store: HandoffStore;
  events: EventBus;
  agents: AgentDirectory;
  routing: RoutingConfig;
  clock: () => Date;
}

/** The callback tickets a dispatch round reads first, earliest promise first (then twice as many, while someone has room). */
const CALLBACKS_AT_ONCE = 100;

/** The member of an `accept` timer: which handoff, offered to which agent. */
export const acceptMember = (handoffId: string, agentId: string): string => `${handoffId}|${agentId}`;

/**
 * Gives waiting customers to agents with room: each online agent, least loaded first, takes the
 * most urgent, longest-waiting handoff across its skill groups (the store's claimNext — one atomic
 * script, so instances dispatching at once never give one customer to two agents or an agent more
 * than their capacity), round after round until nobody with room has anything left to take.
 * Runs whenever capacity may have appeared: a handoff opens or is requeued or transferred, an
 * agent comes online or closes one — and on a short sweep, in case another instance missed it.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async dispatch(options: { exclude?: readonly string[] } = {}): Promise<Assignment[]> {
    const { store, agents, clock } = this.deps;
    const [waiting, callbacks] = await Promise.all([store.waiting(), store.callbacksWaiting()]);
    if (waiting === 0 && callbacks === 0) return [];
    const [presence, loads] = await Promise.all([store.presence(), store.loads()]);
    const load = (a: Agent) => loads[a.id] ?? 0;
    let free = agents.agents.filter((a) => presence[a.id] === 'online' && !options.exclude?.includes(a.id) && load(a) < a.capacity);
    const assigned: Assignment[] = [];
    while (free.length > 0) {
      free.sort((a, b) => load(a) / a.capacity - load(b) / b.capacity || a.tier - b.tier);
      const stillFree: Agent[] = [];
      for (const agent of free) {
        const now = clock();
        const handoff = await store.claimNext({ id: agent.id, capacity: agent.capacity }, agent.skills, now.getTime());
        if (!handoff) continue; // nothing this agent may take (or another instance filled them)
        loads[agent.id] = load(agent) + 1;
        assigned.push({ handoff, agent });
        await this.assigned(handoff, agent, now);
        if (load(agent) < agent.capacity) stillFree.push(agent);
      }
      free = stillFree;
    }
    // Tickets pile up while nobody is free: they are read only when some agent online has room.
    const room = agents.agents.some((a) => presence[a.id] === 'online' && !options.exclude?.includes(a.id) && load(a) < a.capacity);
    if (callbacks > 0 && room) assigned.push(...(await this.dispatchCallbacks(options, loads, presence)));
    return assigned;
  }

  /**
   * Callback tickets are work like any other, after the customers waiting live: an agent with
   * room and the skill takes the ticket whose promised time comes first (claim is atomic, so two
   * instances never give one ticket to two agents). No ring-no-answer timer: the ticket's own
   * SLA is the promised time, and the agent holds it until they close it after the call.
   */
  private async dispatchCallbacks(
    options: { exclude?: readonly string[] },
    loads: Record<string, number>,
    presence: Record<string, string>,
  ): Promise<Assignment[]> {
    const { store, agents, clock, events } = this.deps;
    const assigned: Assignment[] = [];
    const free = (a: Agent) => presence[a.id] === 'online' && !options.exclude?.includes(a.id) && (loads[a.id] ?? 0) < a.capacity;
    // Overnight tickets pile up: the earliest are read first, and more only while someone with room
    // is left (their groups' tickets may come later than other groups').
    const tried = new Set<string>();
    for (let n = CALLBACKS_AT_ONCE; ; n *= 2) {
      const tickets = await store.queued({ waiting: false, limit: n });
      for (const ticket of tickets) {
        if (tried.has(ticket.id)) continue;
        tried.add(ticket.id);
        const agent = agents.agents
          .filter((a) => free(a) && a.skills.includes(ticket.group))
          .sort((a, b) => (loads[a.id] ?? 0) / a.capacity - (loads[b.id] ?? 0) / b.capacity || a.tier - b.tier)
          .at(0);
        if (!agent) continue;
        const now = clock();
        const claimed = await store.claim(ticket.id, { id: agent.id, capacity: agent.capacity }, now.getTime());
        if (!claimed.ok) continue; // taken by another instance, or the agent filled up meanwhile
        loads[agent.id] = (loads[agent.id] ?? 0) + 1;
        assigned.push({ handoff: claimed.handoff, agent });
        await events.publish({
          type: 'handoff.assigned',
          handoffId: ticket.id,
          conversationId: ticket.conversationId,
          agentId: agent.id,
          at: now.toISOString(),
        });
      }
      if (tickets.length < n || !agents.agents.some(free)) return assigned;
    }
  }

  /** Gives one waiting handoff to a given agent regardless of skill (the escalation chain). */
  async assignTo(handoff: HandoffRecord, agent: Agent): Promise<Assignment | undefined> {
    const now = this.deps.clock();
    const claimed = await this.deps.store.claim(handoff.id, { id: agent.id, capacity: agent.capacity }, now.getTime());
    if (!claimed.ok) return undefined;
    await this.assigned(claimed.handoff, agent, now);
    return { handoff: claimed.handoff, agent };
  }

  private async assigned(handoff: HandoffRecord, agent: Agent, now: Date): Promise<void> {
    const { store, events, routing } = this.deps;
    // Ring-no-answer: the agent must accept (open or answer) it in time, or the next agent gets it.
    await Promise.all([
      store.scheduleTimer('accept', acceptMember(handoff.id, agent.id), now.getTime() + routing.dispatch.acceptTimeout, false),
      events.publish({ type: 'handoff.assigned', handoffId: handoff.id, conversationId: handoff.conversationId, agentId: agent.id, at: now.toISOString() }),
    ]);
  }
}
