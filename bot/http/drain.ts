import type { RequestHandler } from 'express';
import { sendError } from '../../kernel/http';

/**
 * Graceful shutdown, the HTTP side: once draining starts every new request is refused with 503,
 * `Retry-After` and `Connection: close` (the load balancer moves on; health checks still answer),
 * and `idle()` resolves when the requests already running have finished.
 */
export class Drain {
  private draining = false;
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  get isDraining(): boolean {
    return this.draining;
  }

  /** Counts requests in flight; refuses new ones while draining. Long-lived streams are not counted (they are closed). */
  middleware(streams: readonly string[]): RequestHandler {
    return (req, res, next) => {
      if (req.path === '/healthz' || req.path === '/readyz') return void next();
      if (this.draining) {
        res.set('Connection', 'close');
        res.set('Retry-After', '5');
        return void sendError(res, 'shutting_down');
      }
      if (streams.includes(req.path)) return void next();
      this.inFlight += 1;
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
      };
      res.on('finish', finished);
      res.on('close', finished);
      next();
    };
  }

  start(): void {
    this.draining = true;
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (what is still running then is cut). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
