import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../kernel/log';

const GIVEN_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Every request gets an ID (the caller's X-Request-Id when it is a sane one, else a new one), sent
 * back in X-Request-Id and on every line logged for it. A refused request leaves a line with its
 * status and error code (warn; 5xx error); others a debug line. Paths are logged without their query
 * string: Direct Line and event-stream tickets travel there.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && GIVEN_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const fields = {
        req: id,
        method: req.method,
        path: req.originalUrl.split('?')[0].slice(0, 200),
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(typeof res.locals.errorCode === 'string' ? { code: res.locals.errorCode } : {}),
      };
      if (res.statusCode >= 500) log.error('request failed', fields);
      else if (res.statusCode >= 400) log.warn('request refused', fields);
      else log.debug('request', fields);
    });
    next();
  };
}
