import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from '../kernel/http';

/** Constant-time comparison of two secrets of any length (both are hashed to 32 bytes first). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Anonymous Bot Framework auth ignores the Authorization header, so anyone could post as anyone:
 * outside development mode the channel must present `Authorization: Bearer <BOT_CHANNEL_SECRET>`.
 */
export function requireChannelSecret(secret: string): RequestHandler {
  return (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m || !secretsEqual(m[1].trim(), secret)) {
      sendError(res, 'unauthorized', 'missing or wrong channel secret (Authorization: Bearer <BOT_CHANNEL_SECRET>)');
      return;
    }
    next();
  };
}
