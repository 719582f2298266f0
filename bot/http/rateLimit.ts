import type { Request, RequestHandler } from 'express';
import { sendError } from '../../kernel/http';
import type { KeyValueStore } from '../../infra/kv';

export interface RateRule {
  /** Names the counter in the store (with the key). */
  name: string;
  /** Requests allowed per window per key. */
  limit: number;
  windowMs: number;
  /** What is counted: the client's address, the conversation, … Undefined = not limited. */
  key: (req: Request) => string | undefined;
}

/**
 * Fixed-window limits counted in the shared key-value store (Redis when configured, so every
 * instance sees the same counts): past the limit, 429 with Retry-After until the window ends.
 * A store that does not answer does not turn into a 429 — the request goes on and the store's own
 * 503 handling applies where it is needed.
 */
export function rateLimit(kv: KeyValueStore, rules: readonly RateRule[]): RequestHandler {
  return async (req, res, next) => {
    const now = Date.now();
    // Every rule's counter at once (one round trip's wait on Redis, not one per rule).
    const counted = await Promise.all(
      rules.map(async (rule) => {
        const key = rule.key(req);
        if (key === undefined) return undefined;
        const window = Math.floor(now / rule.windowMs);
        try {
          return { rule, window, count: await kv.increment(`rate:${rule.name}:${key}:${String(window)}`, rule.windowMs) };
        } catch {
          return undefined;
        }
      }),
    );
    const over = counted.find((c) => c !== undefined && c.count > c.rule.limit);
    if (over) {
      const { rule, window } = over;
      res.set('Retry-After', String(Math.max(1, Math.ceil(((window + 1) * rule.windowMs - Date.now()) / 1000))));
      return void sendError(res, 'rate_limited', `${rule.name}: ${String(rule.limit)} per ${String(rule.windowMs / 1000)} s`);
    }
    next();
  };
}

/** The client's address (behind a proxy, set Express's trust proxy so req.ip is the real one). */
export const byIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
