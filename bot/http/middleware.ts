import type { ErrorRequestHandler, Request, Response } from 'express';
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
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
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
