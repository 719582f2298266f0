import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from '../kernel/http';

/** Where first results of idempotent requests are kept (shared by every instance). */
export interface IdempotencyStore {
  /** Claims the key for a request now running; false when it was claimed before. */
  claim(key: string): Promise<boolean>;
  /** The stored result of the first request, or 'running' while it has not finished. */
  result(key: string): Promise<{ status: number; body: unknown } | 'running' | undefined>;
  save(key: string, result: { status: number; body: unknown }): Promise<void>;
  /** The first request failed before answering: the key may be used again. */
  release(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * `Idempotency-Key` on an agent's message, transfer or close: a retry with the same key (a
 * flaky network, a double click) gets the first result instead of sending, transferring or closing
 * twice. Keys are per agent and per route; without the header the request runs as usual.
 */
export function idempotent(store: IdempotencyStore, scope: (req: Request) => string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const given = req.header('idempotency-key');
    if (given === undefined) return void next();
    if (!KEY.test(given)) return void sendError(res, 'bad_request', 'Idempotency-Key: 1–128 letters, digits or _ . : -');
    const key = `${scope(req)}:${given}`;
    if (!(await store.claim(key))) {
      const first = await store.result(key);
      if (first === 'running' || first === undefined) {
        res.set('Retry-After', '1');
        return void sendError(res, 'bad_request', 'a request with this Idempotency-Key is still running; retry shortly', undefined, 409);
      }
      res.set('Idempotent-Replayed', 'true');
      return void res.status(first.status).json(first.body);
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      // Only a decided outcome is remembered; a server error lets the retry run again.
      if (res.statusCode < 500) void store.save(key, { status: res.statusCode, body }).catch(() => undefined);
      else void store.release(key).catch(() => undefined);
      return json(body);
    };
    next();
  };
}
