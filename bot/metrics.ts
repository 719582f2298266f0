import type { Middleware, TurnContext } from 'botbuilder';
import type { RequestHandler, Router } from 'express';
import { Router as router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { onPublished, type EventBus, type HandoffEvent } from '../handoff/events';
import type { HandoffService } from '../handoff/handoffService';
import type { HandoffQueries, QueueStats } from '../handoff/store';
import type { KeyValueStore } from '../infra/kv';
import { normaliseLocale } from '../kernel/locale';
import { sendError } from '../kernel/http';
import { NONE_INTENT, type NluResult } from '../nlu/types';
import { secretsEqual } from './channelAuth';

const WAIT_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/**
 * Prometheus metrics (prom-client), named by Prometheus conventions. Counters of things that
 * happen are counted where they happen, once: handoff transitions when they are published (by the
 * instance that made them — every instance hears every event, so counting on hearing would count
 * once per instance); messages and NLU readings by the instance that ran the turn. Gauges of the
 * queue are read from the store on each scrape, so every instance reports the same truth.
 * One registry per kefu, so tests can run several in a process.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = this.counter('kefu_http_requests_total', 'HTTP requests by route and status', ['route', 'method', 'status']);
  private readonly durations = new Histogram({
    name: 'kefu_http_request_duration_seconds',
    help: 'HTTP request durations by route',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly messages = this.counter('kefu_messages_total', 'customer messages by channel and locale', ['channel', 'locale']);
  private readonly conversations = this.counter(
    'kefu_conversations_started_total',
    'conversations whose first message this was (containment = 1 − handoffs opened / conversations started)',
    ['channel'],
  );
  private readonly intents = this.counter('kefu_nlu_intents_total', 'messages by the intent read (None: out of scope, the fallback)', ['intent']);
  private readonly nluSeconds = new Histogram({
    name: 'kefu_nlu_duration_seconds',
    help: 'time to read one message (entities, intent, emotion)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  private readonly handoffs = this.counter('kefu_handoffs_total', 'handoff events by kind, reason, group and priority', [
    'event',
    'reason',
    'group',
    'priority',
  ]);
  private readonly timeToAgent = new Histogram({
    name: 'kefu_handoff_time_to_agent_seconds',
    help: 'from the handoff opening to a person holding it',
    labelNames: ['group', 'priority'],
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly firstResponse = new Histogram({
    name: 'kefu_agent_first_response_seconds',
    help: 'from a person holding the chat to their first message to the customer (bot messages never count)',
    labelNames: ['group'],
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly csat = new Histogram({
    name: 'kefu_csat_score',
    help: 'survey scores (1–5) by dimension',
    labelNames: ['dimension'],
    buckets: [1, 2, 3, 4, 5],
    registers: [this.registry],
  });
  private readonly wechatRetries = this.counter('kefu_wechat_retries_total', 'WeChat retries of a push already received, by how they were absorbed', [
    'kind',
    'outcome',
  ]);
  private readonly timeToQueue = new Histogram({
    name: 'kefu_handoff_time_to_queue_seconds',
    help: 'from the message that asked for (or triggered) a person to the handoff placed: queued, assigned or a callback',
    labelNames: ['reason'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly storeErrors = this.counter('kefu_store_errors_total', 'errors from the store (Redis) by where they surfaced', ['where']);

  /** `handoffs`: the store's reads (built before the desk: the desk's event bus is this one's). */
  constructor(
    private readonly handoffs_: Pick<HandoffQueries, 'get' | 'queueStats' | 'callbacksWaiting' | 'presence'>,
    private readonly kv: KeyValueStore,
  ) {
    const desk = handoffs_;
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' });
    // Read from the store on each scrape (the figures of every instance, not only this one's). The
    // registry collects its metrics in parallel: the gauges share one read per scrape. The queues
    // are counted, not read: a scrape costs the same with thousands waiting.
    let snapshot: { at: number; read: Promise<{ stats: QueueStats; callbacks: number; online: number }> } | undefined;
    const read = () => {
      if (!snapshot || Date.now() - snapshot.at > 500) {
        snapshot = {
          at: Date.now(),
          read: Promise.all([desk.queueStats(), desk.callbacksWaiting(), desk.presence()]).then(([stats, callbacks, presence]) => ({
            stats,
            callbacks,
            online: Object.values(presence).filter((x) => x === 'online').length,
          })),
        };
      }
      return snapshot.read;
    };
    const waiting: Gauge = new Gauge({
      name: 'kefu_queue_waiting',
      help: 'handoffs waiting for a person, by group and priority',
      labelNames: ['group', 'priority'],
      registers: [this.registry],
      collect: async () => {
        const { stats } = await read();
        waiting.reset();
        for (const p of ['urgent', 'high', 'normal'] as const) waiting.set({ group: 'all', priority: p }, 0);
        for (const [group, byPriority] of Object.entries(stats.waiting))
          for (const [priority, n] of Object.entries(byPriority)) if (n > 0) waiting.set({ group, priority }, n);
      },
    });
    const oldest: Gauge = new Gauge({
      name: 'kefu_queue_oldest_wait_seconds',
      help: 'how long the longest-waiting handoff of each group has waited',
      labelNames: ['group'],
      registers: [this.registry],
      collect: async () => {
        const { stats } = await read();
        oldest.reset();
        const now = Date.now();
        for (const [group, since] of Object.entries(stats.oldestCreatedAt)) oldest.set({ group }, (now - since) / 1000);
      },
    });
    const callbacks: Gauge = new Gauge({
      name: 'kefu_callbacks_waiting',
      help: 'callback tickets nobody holds yet',
      registers: [this.registry],
      collect: async () => {
        callbacks.set((await read()).callbacks);
      },
    });
    const online: Gauge = new Gauge({
      name: 'kefu_agents_online',
      help: 'agents online',
      registers: [this.registry],
      collect: async () => {
        online.set((await read()).online);
      },
    });
  }

  private counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** The event bus, counting each transition as it is published. */
  events(bus: EventBus): EventBus {
    return onPublished(bus, (event) => this.observe(event).catch(() => this.storeErrors.inc({ where: 'metrics' })));
  }

  private async observe(e: HandoffEvent): Promise<void> {
    const at = Date.parse(e.at);
    switch (e.type) {
      case 'handoff.new':
        this.handoffs.inc({ event: 'opened', reason: e.reason ?? '', group: e.group, priority: e.priority });
        return;
      case 'handoff.updated':
        this.handoffs.inc({ event: 'reason_added', reason: e.reasons.at(-1) ?? '', group: e.group, priority: e.priority });
        return;
      case 'handoff.assigned': {
        const h = await this.handoffs_.get(e.handoffId);
        this.handoffs.inc({ event: 'assigned', reason: '', group: h?.group ?? '', priority: h?.priority ?? '' });
        if (h) this.timeToAgent.observe({ group: h.group, priority: h.priority }, Math.max(0, (at - h.createdAt) / 1000));
        return;
      }
      case 'handoff.agent_message': {
        // The first message of this agent on this handoff since they took it.
        if (!(await this.kv.setIfAbsent(`metrics:frt:${e.handoffId}:${e.agentId}`, '1', 24 * 3600_000))) return;
        const h = await this.handoffs_.get(e.handoffId);
        if (h?.assignedAt !== undefined) this.firstResponse.observe({ group: h.group }, Math.max(0, (at - h.assignedAt) / 1000));
        return;
      }
      case 'handoff.closed':
        this.handoffs.inc({ event: 'closed', reason: '', group: '', priority: '' });
        return;
      case 'handoff.transferred':
        this.handoffs.inc({ event: 'transferred', reason: '', group: e.toGroup ?? '', priority: '' });
        return;
      case 'handoff.callback':
        this.handoffs.inc({ event: 'callback', reason: '', group: e.group ?? '', priority: '' });
        return;
      case 'handoff.sla_warning':
        this.handoffs.inc({ event: 'sla_breached', reason: '', group: e.group, priority: e.priority });
        return;
      case 'handoff.requeued':
        this.handoffs.inc({ event: 'requeued', reason: e.why, group: e.group, priority: e.priority });
        return;
      case 'survey.received':
        for (const [dimension, score] of Object.entries(e.scores)) this.csat.observe({ dimension }, score);
        return;
      default:
        return;
    }
  }

  /** Every recognition: the intent read (None is the fallback) and how long it took. */
  nlu(result: NluResult, seconds: number): void {
    this.intents.inc({ intent: result.intent === NONE_INTENT ? 'None' : result.intent });
    this.nluSeconds.observe(seconds);
  }

  wechatRetry(kind: string, outcome: string): void {
    this.wechatRetries.inc({ kind, outcome });
  }

  /** The handoff service, timing each request from the turn that asks to the handoff placed. */
  timedHandoffs(service: HandoffService): HandoffService {
    return {
      requestHandoff: async (request) => {
        const stop = this.timeToQueue.startTimer({ reason: request.reason });
        const ticket = await service.requestHandoff(request);
        stop();
        return ticket;
      },
    };
  }

  /** A store (Redis) error, where it surfaced. */
  storeError(where: string): void {
    this.storeErrors.inc({ where });
  }

  /** Counts customers' messages by channel and locale, and conversations at their first message. */
  adapterMiddleware(): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        const a = context.activity;
        if (a.type === 'message') {
          this.messages.inc({ channel: a.channelId, locale: normaliseLocale(a.locale) ?? 'unknown' });
        }
        await next();
      },
    };
  }

  /** The bot saw a conversation's first message. */
  conversationStarted(channel: string): void {
    this.conversations.inc({ channel });
  }

  /** Counts and times every request by its route pattern (not its path: ids would explode the label set). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.durations.startTimer();
      res.on('finish', () => {
        const route = routeLabel(req.baseUrl, (req.route as { path?: string } | undefined)?.path, res.statusCode);
        stop({ route });
        this.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      });
      next();
    };
  }

  /** `GET /metrics` in Prometheus's text format; with `token` set, scrapes must bring it as a bearer. */
  route(token: string | undefined): Router {
    const r = router();
    r.get('/metrics', async (req, res) => {
      if (token !== undefined) {
        const given = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '')?.[1];
        if (!given || !secretsEqual(given.trim(), token)) return void sendError(res, 'unauthorized', 'Authorization: Bearer <METRICS_TOKEN> required');
      }
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return r;
  }
}

function routeLabel(base: string, path: string | undefined, status: number): string {
  if (path !== undefined) return `${base}${path}`;
  return status === 404 ? 'unmatched' : `${base}*`;
}
