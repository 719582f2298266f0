import express, { type RequestHandler } from 'express';

/**
 * express.json for the common case — a UTF-8 JSON body of declared length, not compressed — read
 * without body-parser's per-request machinery (raw-body's stream listeners and clean-up, charset
 * and type negotiation): about 4% of a saturated kefu's CPU. Anything else (compressed, chunked,
 * another charset, longer than the limit) goes to body-parser itself, so the edges behave as its
 * own; the errors here carry body-parser's types, which the error handler turns into kefu's codes.
 */
export function jsonBody(limit: number): RequestHandler {
  const full: RequestHandler = express.json({ limit, type: ['application/json', 'application/*+json'] });
  return (req, res, next) => {
    const headers = req.headers;
    const type = headers['content-type'];
    if (type === undefined || !isJsonType(type)) return void next(); // not ours to read (as express.json)
    const declared = headers['content-length'];
    const length = declared === undefined ? NaN : Number(declared);
    const plain = headers['content-encoding'] === undefined || headers['content-encoding'].toLowerCase() === 'identity';
    if (!plain || headers['transfer-encoding'] !== undefined || !Number.isSafeInteger(length) || length > limit || !isUtf8(type)) {
      full(req, res, next);
      return;
    }
    if (length === 0) {
      req.body = {}; // as body-parser: an empty JSON body is an empty object
      return void next();
    }
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onError);
      if (err) return void next(err);
      try {
        req.body = parseStrict(Buffer.concat(chunks, length).toString('utf8'));
      } catch (e) {
        return void next(httpError(400, e instanceof Error ? e.message : 'invalid JSON', 'entity.parse.failed'));
      }
      next();
    };
    const onData = (chunk: Buffer): void => void chunks.push(chunk);
    const onEnd = (): void => finish();
    const onError = (): void => finish(httpError(400, 'request aborted', 'request.aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onError); // closed before its end: the client went away
  };
}

function isJsonType(contentType: string): boolean {
  const media = contentType.split(';', 1)[0].trim().toLowerCase();
  return media === 'application/json' || /^application\/[^/\s]+\+json$/.test(media);
}

/** No charset (JSON is UTF-8) or utf-8 itself; other UTF encodings go to body-parser. */
function isUtf8(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** As body-parser's strict mode: an object or an array; an empty body is {}. */
function parseStrict(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = /^[ \t\n\r]*(.)/.exec(body)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError(`Unexpected token ${first ?? 'end of input'}: the body must be a JSON object or array`);
  return JSON.parse(body) as unknown;
}

function httpError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}
