import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { formatZodIssues, type ErrorCode } from '../kernel/errors';
import { sendError } from '../kernel/http';
import { maskPersonalData } from '../kernel/pii';
import type { Agent, AgentDirectory } from './agents';
import type { HandoffDesk } from './desk';
import { CustomerUnreachableError } from './errors';
import type { HandoffEvent } from './events';
import type { EventStreams } from './eventStreams';
import { idempotent, type IdempotencyStore } from './idempotency';
import type { HandoffRecord, TransitionError } from './store';
import { AgentPresence, SkillGroup } from './types';
import { OwnCannedReplies, type CannedLibrary, type OwnCannedReplyStore } from './cannedReplies';
import type { Viewers } from './viewers';
import type { FloorStats } from './floorStats';

/** A suggested answer from the knowledge base for the customer's last question (agent assist). */
export interface Suggestion {
  intent: string;
  score: number;
  answer: string;
}

export interface StreamTickets {
  /** A new ticket for this agent, valid for `ttlSeconds`. */
  issue(agentId: string): Promise<{ ticket: string; ttlSeconds: number }>;
  /** The agent the ticket was issued to, once: a second redemption, or an expired ticket, gives undefined. */
  redeem(ticket: string): Promise<string | undefined>;
}

export interface AgentApiDeps {
  /** Answers from the knowledge base for a customer's message, best first. */
  assist: (text: string, locale: 'zh-CN' | 'en') => Promise<Suggestion[]>;
  desk: HandoffDesk;
  agents: AgentDirectory;
  clock: () => Date;
  /** Short-lived, single-use tickets for the event stream (EventSource cannot send a header; the token must not go in a URL). */
  streamTickets: StreamTickets;
  /** Failed sign-ins per address: past the limit the address waits (seconds to wait, 0 = go on). */
  authGuard: { wait(address: string): Promise<number>; failed(address: string): Promise<void> };
  /** First results of requests sent with an Idempotency-Key. */
  idempotency: IdempotencyStore;
  /** Where open event streams are registered, so shutdown can close them. */
  streams: EventStreams;
  /** The operator's canned replies, and each agent's own. */
  canned: CannedLibrary;
  ownCanned: OwnCannedReplyStore;
  /** Who has which conversation open (the collision warning). */
  viewers: Viewers;
  /** Re-reads the operators' content files and retrains (supervisors only). */
  reloadContent?: () => Promise<{ ok: true; report: object } | { ok: false; code: ErrorCode; detail?: string }>;
}

/** A refused claim, transfer or close, as the catalogue's error (its status comes from kernel/errors.ts). */
function refuse(res: Response, error: TransitionError | 'unknown_agent', verb: 'claim' | 'transfer' | 'close'): void {
  switch (error) {
    case 'not_found':
      return void sendError(res, 'not_found', 'no such handoff');
    case 'not_yours':
      return void sendError(res, 'not_yours', `cannot ${verb}: the conversation is held by another agent or not claimed yet`);
    case 'unknown_agent':
      return void sendError(res, 'unknown_agent');
    default:
      return void sendError(res, error, verb);
  }
}

const Presence = z.object({ status: AgentPresence }).strict();
const Message = z.object({ text: z.string().trim().min(1).max(2000) }).strict();
const Transfer = z.union([
  z.object({ group: SkillGroup, note: z.string().max(500).optional() }).strict(),
  z.object({ agentId: z.string().min(1), note: z.string().max(500).optional() }).strict(),
]);
const Note = z.object({ text: z.string().trim().min(1).max(1000) }).strict();
/** A console marks what is on screen every few seconds; a mark lasts a little longer than that. */
const VIEWING_MS = 15_000;
/** How much of a queue a console lists (its head); the rest is counted. */
const QUEUE_PAGE = 100;
const Escalate = z.object({ note: z.string().max(500).optional() }).strict();
const Close = z.object({ resolution: z.string().trim().min(1).max(500), tags: z.array(z.string().trim().min(1).max(32)).max(10).default([]) }).strict();

/** The request bodies the agent API validates: also the source of its OpenAPI document (bot/http/openapi.ts). */
export const AGENT_REQUEST_BODIES = { Presence, Message, Transfer, Escalate, Close, Note, OwnCannedReplies } as const;

type Authed = Request & { agent: Agent };

/** `/agent/v1`: bearer-token auth, zod-validated bodies, one error shape. */
export function agentRouter(deps: AgentApiDeps): Router {
  const router = Router();
  const { desk, agents, clock, assist } = deps;

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const header = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '')?.[1];
    // EventSource cannot set headers: the events stream alone takes a single-use ?ticket= instead.
    const ticket = !header && req.path === '/events' && typeof req.query.ticket === 'string' ? req.query.ticket : undefined;
    const agent = header ? agents.authenticate(header.trim()) : ticket ? agents.get((await deps.streamTickets.redeem(ticket.slice(0, 200))) ?? '') : undefined;
    if (!agent) {
      // Guessing tokens is slowed per address: after too many failures, 429 until the window ends.
      const address = req.ip ?? 'unknown';
      const wait = await deps.authGuard.wait(address);
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        return void sendError(res, 'rate_limited', 'too many failed sign-ins from this address');
      }
      await deps.authGuard.failed(address);
      return void sendError(
        res,
        'unauthorized',
        'missing or wrong agent token (Authorization: Bearer <token>; the event stream: ?ticket= from POST /agent/v1/events/ticket)',
      );
    }
    (req as Authed).agent = agent;
    // Any request from the console is a sign of life (presence: a silent console goes away).
    desk.heartbeat(agent.id).then(
      () => next(),
      () => next(), // a failed heartbeat must not fail the request
    );
  });

  router.post('/events/ticket', async (req, res) => {
    const issued = await deps.streamTickets.issue(me(req).id);
    res.json({ ticket: issued.ticket, expiresInSeconds: issued.ttlSeconds });
  });

  router.post('/heartbeat', (_req, res) => {
    res.status(204).end();
  });

  const me = (req: Request) => (req as Authed).agent;
  const body = <T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> | undefined => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) return parsed.data;
    sendError(res, 'invalid_body', formatZodIssues(parsed.error));
    return undefined;
  };
  /** A handoff as agents see it; a callback ticket's number is whole only for the agent holding the ticket. */
  const view = (h: HandoffRecord, viewer?: string) => {
    const now = clock().getTime();
    const holds = viewer !== undefined && h.status === 'assigned' && h.assignedTo === viewer;
    return {
      id: h.id,
      conversationId: h.conversationId,
      status: h.status,
      reasons: h.reasons,
      group: h.group,
      priority: h.priority,
      createdAt: new Date(h.createdAt).toISOString(),
      waitingSeconds: Math.round(((h.assignedAt ?? now) - h.createdAt) / 1000),
      slaDueAt: new Date(h.slaDueAt).toISOString(),
      slaRemainingSeconds: Math.round((h.slaDueAt - now) / 1000),
      assignedTo: h.assignedTo,
      summary: h.packet.summary,
      customer: h.packet.customer,
      risk: h.packet.risk,
      ...(h.callback
        ? {
            callback: {
              dueAt: new Date(h.callback.dueAt).toISOString(),
              phone: h.callback.phone && (holds ? h.callback.phone : maskPersonalData(h.callback.phone)),
            },
          }
        : {}),
      emotion: h.packet.emotion,
      resolution: h.resolution,
      tags: h.tags,
      transfers: h.transfers,
      survey: h.survey,
    };
  };
  const canRead = (agent: Agent, h: HandoffRecord) =>
    agent.supervisor || h.assignedTo === agent.id || (h.status !== 'assigned' && h.status !== 'closed' && agent.skills.includes(h.group));
  const load = async (req: Request, res: Response): Promise<HandoffRecord | undefined> => {
    const h = await desk.get(String(req.params.id));
    if (!h) return void sendError(res, 'not_found', 'no such handoff');
    if (!canRead(me(req), h)) return void sendError(res, 'not_yours', 'this conversation is held by another agent or outside your skill groups');
    return h;
  };

  router.get('/me', async (req, res) => {
    const a = me(req);
    res.json({
      id: a.id,
      name: a.name,
      skills: a.skills,
      tier: a.tier,
      capacity: a.capacity,
      supervisor: a.supervisor,
      locale: a.locale,
      presence: (await desk.presence())[a.id] ?? 'offline',
      load: (await desk.loads())[a.id] ?? 0,
    });
  });

  router.put('/presence', async (req, res) => {
    const b = body(Presence, req, res);
    if (!b) return;
    await desk.setPresence(me(req).id, b.status);
    res.json({ status: b.status });
  });

  router.get('/queue', async (req, res) => {
    const a = me(req);
    const groups = a.supervisor ? undefined : a.skills;
    // The head of the queue, and the whole of it counted: every console reads this on every queue
    // event, and at peak hour the queue is thousands long.
    const [items, counts] = await Promise.all([desk.queued({ groups, limit: QUEUE_PAGE }), desk.queueCounts()]);
    const byGroup = Object.fromEntries(Object.entries(counts.waiting).filter(([g]) => !groups || groups.some((x) => x === g)));
    const waiting = Object.values(byGroup).reduce((n, p) => n + p.urgent + p.high + p.normal, 0);
    res.json({ items: items.map((h) => view(h)), byGroup, waiting, callbacks: counts.callbacks });
  });

  router.post('/queue/next', async (req, res) => {
    const next = await desk.claimNext(me(req));
    if (!next) return void res.status(204).end();
    res.json({ ...view(next.handoff, me(req).id), customerNotified: next.customerNotified });
  });

  router.get('/handoffs', async (req, res) => {
    const mine = await desk.heldBy(me(req).id);
    res.json({ items: mine.map((h) => view(h, me(req).id)) });
  });

  router.get('/handoffs/:id', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    res.json({ ...view(h, me(req).id), packet: h.packet, transcript: await desk.transcript(h.conversationId) });
  });

  // The customer's earlier handoffs (orders masked as in the packet, surveys, resolutions): whoever may read this one may read them.
  router.get('/handoffs/:id/history', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    const earlier = await desk.historyOf(h, 20);
    res.json({
      items: earlier.map((x) => ({
        id: x.id,
        status: x.status,
        createdAt: new Date(x.createdAt).toISOString(),
        closedAt: x.closedAt === undefined ? undefined : new Date(x.closedAt).toISOString(),
        reasons: x.reasons,
        group: x.group,
        summary: x.packet.summary,
        orders: x.packet.orders.map((o) => ({ id: o.id, status: o.status, verified: o.verified })),
        resolution: x.resolution,
        tags: x.tags,
        survey: x.survey && { scores: x.survey.scores, flagged: x.survey.flagged },
      })),
    });
  });

  router.post('/handoffs/:id/accept', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    if (h.status !== 'assigned' || h.assignedTo !== me(req).id) return void sendError(res, 'not_yours', 'only the agent the chat was given to can accept it');
    await desk.accept(h, me(req));
    res.json(view(h));
  });

  router.get('/handoffs/:id/suggestions', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    const last = [...(await desk.transcript(h.conversationId))].reverse().find((e) => e.speaker === 'customer' && !e.text.startsWith('['));
    res.json({ forText: last?.text ?? null, suggestions: last ? await assist(last.text, h.packet.locale) : [] });
  });

  router.post('/compliance/check', (req, res) => {
    const b = body(Message, req, res);
    if (!b) return;
    res.json({ violations: desk.checkReply(b.text) });
  });

  router.post('/handoffs/:id/claim', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    const result = await desk.claim(h.id, me(req));
    if (!result.ok) return void refuse(res, result.error, 'claim');
    res.json({ ...view(result.handoff, me(req).id), customerNotified: result.customerNotified });
  });

  // A retried send, transfer or close with the same Idempotency-Key gets the first result.
  const CHANNEL_DOWN = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|fetch failed|socket hang up/;
  const once = (verb: string) => idempotent(deps.idempotency, (req) => `${me(req).id}:${verb}:${String(req.params.id)}`);

  router.post('/handoffs/:id/messages', once('message'), async (req, res) => {
    const b = body(Message, req, res);
    if (!b) return;
    const h = await desk.get(String(req.params.id));
    if (!h) return void sendError(res, 'not_found', 'no such handoff');
    const a = me(req);
    if (h.status !== 'assigned' || (h.assignedTo !== a.id && !a.supervisor)) return void sendError(res, 'not_yours', 'claim the conversation before replying');
    const violations = desk.checkReply(b.text);
    if (violations.length) {
      return void sendError(res, 'compliance', violations.map((v) => v.match).join(', '), { violations });
    }
    try {
      await desk.reply(h, a, b.text);
    } catch (err) {
      // The channel's own refusal (e.g. WeChat's 45047 or outside_48h_window) travels as channelCode.
      if (err instanceof CustomerUnreachableError) return void sendError(res, 'customer_unreachable', err.message, { channelCode: err.code });
      // The customer's channel did not answer at all (refused, reset, timed out): the agent hears so, not a 500.
      if (err instanceof Error && CHANNEL_DOWN.test(`${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`)) {
        return void sendError(res, 'customer_unreachable', "the customer's channel did not accept the message; try again shortly");
      }
      throw err;
    }
    res.status(202).json({ delivered: true });
  });

  const transferTo = async (req: Request, res: Response, to: { group: SkillGroup } | { agentId: string }, note?: string) => {
    const result = await desk.transfer(String(req.params.id), me(req), to, note);
    if (!result.ok) return void refuse(res, result.error, 'transfer');
    res.json(view(result.handoff, me(req).id));
  };

  router.post('/handoffs/:id/transfer', once('transfer'), async (req, res) => {
    const b = body(Transfer, req, res);
    if (!b) return;
    await transferTo(req, res, 'group' in b ? { group: b.group } : { agentId: b.agentId }, b.note);
  });

  router.post('/handoffs/:id/escalate', async (req, res) => {
    const b = body(Escalate, req, res);
    if (!b) return;
    // Escalation goes to the next tier: the escalation group's senior agents [001 二(三)2].
    await transferTo(req, res, { group: 'escalation' }, b.note ?? `escalated by ${me(req).id} (tier ${me(req).tier})`);
  });

  router.post('/handoffs/:id/close', once('close'), async (req, res) => {
    const b = body(Close, req, res);
    if (!b) return;
    // A callback ticket is closed only by an agent of its group (or a supervisor): the same rule as reading it.
    if (!(await load(req, res))) return;
    const result = await desk.close(String(req.params.id), me(req), b.resolution, b.tags);
    if (!result.ok) return void refuse(res, result.error, 'close');
    res.json({ ...view(result.handoff, me(req).id), customerNotified: result.customerNotified });
  });

  // Internal notes: on the case for every later agent (a transfer keeps them), never sent to the customer.
  router.post('/handoffs/:id/notes', async (req, res) => {
    const b = body(Note, req, res);
    if (!b) return;
    const h = await load(req, res);
    if (!h) return;
    if (h.status === 'closed') return void sendError(res, 'closed', 'add a note');
    await desk.addNote(h, me(req), b.text);
    res.status(201).json({ added: true });
  });

  // The supervisor's floor: whisper to the agent, or take the conversation over.
  router.post('/handoffs/:id/whisper', async (req, res) => {
    if (!me(req).supervisor) return void sendError(res, 'forbidden', 'supervisors only');
    const b = body(Note, req, res);
    if (!b) return;
    const h = await load(req, res);
    if (!h) return;
    if (h.status !== 'assigned' || !h.assignedTo) return void sendError(res, 'not_held', 'whisper');
    await desk.whisper(h, me(req), b.text);
    res.status(201).json({ to: h.assignedTo });
  });

  router.post('/handoffs/:id/barge', async (req, res) => {
    if (!me(req).supervisor) return void sendError(res, 'forbidden', 'supervisors only');
    const result = await desk.bargeIn(req.params.id, me(req));
    if (!result.ok) return void refuse(res, result.error, 'transfer');
    res.json({ ...view(result.handoff, me(req).id), customerNotified: result.customerNotified });
  });

  // Collision warning: the console marks the conversation it shows and hears who else has it open.
  router.post('/handoffs/:id/viewing', async (req, res) => {
    const h = await load(req, res);
    if (!h) return;
    const others = await deps.viewers.touch(h.id, me(req).id, clock().getTime(), VIEWING_MS);
    res.json({ others: others.map((id) => ({ id, name: agents.get(id)?.name ?? id })) });
  });

  router.delete('/handoffs/:id/viewing', async (req, res) => {
    await deps.viewers.leave(req.params.id.slice(0, 100), me(req).id);
    res.status(204).end();
  });

  router.get('/canned', async (req, res) => {
    res.json({ shared: deps.canned.all(), mine: await deps.ownCanned.get(me(req).id) });
  });

  router.put('/canned/mine', async (req, res) => {
    const b = body(OwnCannedReplies, req, res);
    if (!b) return;
    // The agent's own words go to customers too: the same compliance check as a reply.
    for (const [i, r] of b.replies.entries()) {
      for (const text of Object.values(r.text)) {
        const violations = desk.checkReply(text);
        if (violations.length) return void sendError(res, 'compliance', `replies.${i}: ${violations.map((v) => v.match).join(', ')}`, { violations });
      }
    }
    await deps.ownCanned.set(me(req).id, b.replies);
    res.json({ replies: b.replies });
  });

  router.post('/admin/reload', async (req, res) => {
    const a = (req as Authed).agent;
    if (!a.supervisor) return void sendError(res, 'forbidden', 'supervisors only');
    if (!deps.reloadContent) return void sendError(res, 'not_found', 'reload is not available');
    const outcome = await deps.reloadContent();
    if (!outcome.ok) return void sendError(res, outcome.code, outcome.detail);
    res.json(outcome.report);
  });

  router.get('/supervisor', async (req, res) => {
    const a = me(req);
    if (!a.supervisor) return void sendError(res, 'forbidden', 'supervisors only');
    const [counts, tickets, alerts, assigned, presence, loads, flagged] = await Promise.all([
      desk.queueCounts(),
      desk.queued({ waiting: false, limit: QUEUE_PAGE }),
      desk.alerts(QUEUE_PAGE),
      desk.assigned(),
      desk.presence(),
      desk.loads(),
      desk.flagged(50),
    ]);
    const now = clock().getTime();
    const queues: Record<string, { waiting: number; oldestWaitSeconds: number }> = {};
    for (const [group, p] of Object.entries(counts.waiting))
      queues[group] = {
        waiting: p.urgent + p.high + p.normal,
        oldestWaitSeconds: Math.round((now - (counts.oldestCreatedAt[group as SkillGroup] ?? now)) / 1000),
      };
    res.json({
      queues,
      callbacks: tickets.filter((h) => h.status === 'callback').map((h) => view(h)),
      callbacksWaiting: counts.callbacks,
      agents: agents.agents.map((x) => ({
        id: x.id,
        name: x.name,
        tier: x.tier,
        skills: x.skills,
        capacity: x.capacity,
        presence: presence[x.id] ?? 'offline',
        load: loads[x.id] ?? 0,
      })),
      /** Urgent and high-risk cases still waiting for a person: flagged to supervisors at once, not after their SLA. */
      urgentWaiting: alerts.urgentWaiting.map((h) => view(h)),
      slaBreaches: alerts.slaBreaches.map((h) => view(h)),
      active: assigned.map((h) => view(h)),
      flaggedSurveys: flagged.map((h) => view(h)),
    });
  });

  // Charts of the day, hour by hour (cached briefly: every supervisor's screen asks every few seconds).
  let charts: { at: number; stats: Promise<FloorStats> } | undefined;
  router.get('/supervisor/charts', async (req, res) => {
    if (!me(req).supervisor) return void sendError(res, 'forbidden', 'supervisors only');
    const now = clock().getTime();
    if (!charts || now - charts.at > 15_000) charts = { at: now, stats: desk.floorStats() };
    res.json(await charts.stats);
  });

  router.get('/events', (req, res) => {
    const a = me(req);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': kefu agent events\n\n');
    const unsubscribe = desk.subscribe((e) => {
      if (relevant(a, e)) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    });
    const keepAlive = setInterval(() => {
      res.write(': keep-alive\n\n');
      void desk.heartbeat(a.id).catch(() => undefined); // an open event stream is a console that is alive
    }, 15_000);
    const unregister = deps.streams.add(res);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      unregister();
    });
  });

  return router;
}

/** An agent hears about their own conversations and their groups' queues; a supervisor hears everything. */
function relevant(agent: Agent, e: HandoffEvent): boolean {
  if (agent.supervisor) return true;
  if ('agentId' in e && e.agentId === agent.id) return true;
  if (e.type === 'handoff.transferred') return e.toAgent === agent.id || (e.toGroup !== undefined && agent.skills.includes(e.toGroup));
  if ('group' in e && e.group !== undefined) return agent.skills.includes(e.group);
  return false;
}
