import type { RequestHandler, Router } from 'express';
import { Router as router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HandoffDesk } from '../handoff/desk';
import type { HandoffRecord } from '../handoff/store';
import { secretsEqual } from './channelAuth';
import { sendError } from '../kernel/http';

/**
 * Prometheus metrics (prom-client): the process's own (CPU, memory, event-loop lag, GC), HTTP
 * requests by route and status with their durations, handoffs opened / assigned / closed by group
 * and priority from the live events, and on each scrape the queue: waiting handoffs by priority,
 * callback tickets, agents online. One registry per kefu, so tests can run several in a process.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'kefu_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'kefu_http_request_duration_seconds',
    help: 'HTTP request durations by route',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly handoffs = new Counter({
    name: 'kefu_handoffs_total',
    help: 'handoff events by kind, group and priority',
    labelNames: ['event', 'group', 'priority'],
    registers: [this.registry],
  });

  constructor(desk: HandoffDesk) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' });
    desk.subscribe((e) => {
      if (e.type === 'handoff.new') this.handoffs.inc({ event: 'opened', group: e.group, priority: e.priority });
      else if (e.type === 'handoff.assigned') this.handoffs.inc({ event: 'assigned', group: '', priority: '' });
      else if (e.type === 'handoff.closed') this.handoffs.inc({ event: 'closed', group: '', priority: '' });
      else if (e.type === 'handoff.callback') this.handoffs.inc({ event: 'callback', group: e.group ?? '', priority: '' });
      else if (e.type === 'handoff.sla_warning') this.handoffs.inc({ event: 'sla_breached', group: e.group, priority: e.priority });
    });
    // Read from the store on each scrape (the figures of every instance, not only this one's). The
    // registry collects its metrics in parallel: the three gauges share one read per scrape.
    let snapshot: { at: number; read: Promise<{ queued: HandoffRecord[]; online: number }> } | undefined;
    const read = () => {
      if (!snapshot || Date.now() - snapshot.at > 500) {
        snapshot = {
          at: Date.now(),
          read: Promise.all([desk.queued(), desk.presence()]).then(([queued, presence]) => ({
            queued,
            online: Object.values(presence).filter((x) => x === 'online').length,
          })),
        };
      }
      return snapshot.read;
    };
    const waiting: Gauge = new Gauge({
      name: 'kefu_queue_waiting',
      help: 'handoffs waiting for a person, by priority',
      labelNames: ['priority'],
      registers: [this.registry],
      collect: async () => {
        const { queued } = await read();
        for (const p of ['urgent', 'high', 'normal'] as const)
          waiting.set({ priority: p }, queued.filter((h) => h.status === 'queued' && h.priority === p).length);
      },
    });
    const callbacks: Gauge = new Gauge({
      name: 'kefu_callbacks_waiting',
      help: 'callback tickets nobody holds yet',
      registers: [this.registry],
      collect: async () => {
        callbacks.set((await read()).queued.filter((h) => h.status === 'callback').length);
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
