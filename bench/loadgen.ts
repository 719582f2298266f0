/* Runs in its own process: autocannon against /api/messages with scripted conversations.
 * argv: JSON {url, connections, durationS, rate?, script?} → prints one JSON result line. */
import { randomUUID } from 'node:crypto';
import { SCRIPTS, scriptActivityJson, type ScriptName } from './script';
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}') as { url: string; connections: number; durationS: number; rate?: number; script?: ScriptName };
const SCRIPT = SCRIPTS[opts.script ?? 'main'];

interface Ctx {
  conv?: string;
}

const instance = autocannon(
  {
    url: `${opts.url}/api/messages`,
    connections: opts.connections,
    duration: opts.durationS,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    // One entry per step of the script: autocannon keeps a connection's context through the list
    // and resets it at the end, so each pass through the list is one fresh conversation. (With a
    // single entry the context reset after every request: every request was a new conversation's
    // 你好 — the figures before 2026-12-05 measured greetings only.)
    requests: SCRIPT.map((text, step) => ({
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: autocannon.Request, ctx: object) => {
        const context = ctx as Ctx;
        if (step === 0 || !context.conv) context.conv = `load-${randomUUID()}`;
        req.body = scriptActivityJson(context.conv, text);
        return req;
      },
    })),
  },
  (err, result) => {
    if (err) {
      process.stderr.write(String(err));
      process.exit(1);
    }
    const r = result as unknown as {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number; average: number };
      errors: number;
      timeouts: number;
      non2xx: number;
    };
    process.stdout.write(
      `${JSON.stringify({ rps: r.requests.average, total: r.requests.total, p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx })}\n`,
    );
  },
);
void instance;
