import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { KefuError } from '../../kernel/errors';
import { sendError } from '../../kernel/http';
import type { Logger } from '../../kernel/log';
import { ModelNotReadyError } from '../../nlu/recognizer';

export function requireJson(req: Request, res: Response, next: () => void): void {
  if (!req.is(['application/json', 'application/*+json'])) return void sendError(res, 'unsupported_media_type');
  next();
}

export function notFound(_req: Request, res: Response): void {
  sendError(res, 'not_found', 'no such endpoint');
}

/** The last handler: body-parser's errors, errors from the catalogue, and everything else as a logged 500. */
export function errorHandler(log: Logger, storeUnavailable: (err: unknown) => boolean = () => false): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if ((err instanceof KefuError && err.code === 'store_unavailable') || storeUnavailable(err)) {
      log.warn('request refused: the store is not answering', { error: err instanceof Error ? err.message : String(err) });
      if (res.headersSent) return;
      res.set('Retry-After', '2');
      return void sendError(res, 'store_unavailable');
    }
    if (err instanceof KefuError) return void sendError(res, err.code, err.detail, err.extra, err.status);
    if (err instanceof ModelNotReadyError) return void sendError(res, 'not_ready');
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      if (e.type === 'entity.parse.failed') return void sendError(res, 'malformed_json', undefined, undefined, status);
      if (e.type === 'entity.too.large') return void sendError(res, 'payload_too_large', undefined, undefined, status);
      return void sendError(res, 'bad_request', e.message ?? 'bad request', undefined, status);
    }
    log.error('request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    if (!res.headersSent) sendError(res, 'internal');
  };
}

/** No legitimate request nests deeper than this; botbuilder and zod recurse, so deeper is refused up front. */
const MAX_JSON_DEPTH = 32;

/** Refuses a JSON body nested deeper than MAX_JSON_DEPTH with 400 invalid_body (measured without recursion). */
export const limitJsonDepth: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return void next();
  const stack: Array<[unknown, number]> = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_JSON_DEPTH) return void sendError(res, 'invalid_body', `the JSON body is nested deeper than ${String(MAX_JSON_DEPTH)} levels`);
    if (value !== null && typeof value === 'object')
      for (const child of Object.values(value)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  next();
};
