import pino from 'pino';
import { maskPersonalData } from './pii';

/**
 * Structured logs: one JSON line per event (pino), with the request, conversation and handoff IDs
 * as fields, and personal data masked (phones, ID-card and bank-card numbers) in the whole line by
 * the shared masker — whatever field it hides in.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries these fields (a request ID, a conversation). */
  child(fields: Record<string, unknown>): Logger;
}

function wrap(p: pino.Logger): Logger {
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields) p[lvl](fields, msg);
      else p[lvl](msg);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p.child(fields)) };
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const p = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // The masker sees the serialised line, so a number in any field, at any depth, is masked.
        streamWrite: (line) => maskPersonalData(line),
      },
    },
    { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) },
  );
  return wrap(p);
}
