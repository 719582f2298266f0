import type { Response } from 'express';
import { ERRORS, errorMessage, type ErrorCode } from './errors';

/** The one error envelope: `{error: {code, message, ...extra}}` with the catalogue's status. */
export function sendError(res: Response, code: ErrorCode, detail?: string, extra?: Record<string, unknown>, status?: number): void {
  if (code === 'not_ready') res.setHeader('Retry-After', '5');
  res.locals.errorCode = code; // for the request log line
  res.status(status ?? ERRORS[code].status).json({ error: { code, message: errorMessage(code, detail), ...extra } });
}
