/* Runs in its own process: autocannon against /api/messages with scripted conversations.
 * argv: JSON {url, connections, durationS, rate?, script?} → prints one JSON result line. */
import { randomUUID } from 'node:crypto';
import { SCRIPTS, type ScriptName } from './script';
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}') as { url: string; connections: number; durationS: number; rate?: number; script?: ScriptName };
const SCRIPT = SCRIPTS[opts.script ?? 'main'];

interface Ctx {
  step?: number;
  conv?: string;
}

const instance = autocannon(
  {
    url: `${opts.url}/api/messages`,
    connections: opts.connections,
    duration: opts.durationS,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: autocannon.Request, ctx: object) => {
          const context = ctx as Ctx;
          const step = context.step ?? 0;
          context.step = step + 1;
          // A fresh conversation every pass through the script.
          if (step % SCRIPT.length === 0 || !context.conv) context.conv = `load-${randomUUID()}`;
          req.body = JSON.stringify({
            type: 'message',
            channelId: 'load',
            serviceUrl: 'http://127.0.0.1:9/',
            deliveryMode: 'expectReplies',
            from: { id: context.conv },
            recipient: { id: 'kefu' },
            conversation: { id: context.conv },
            text: SCRIPT[step % SCRIPT.length],
          });
          return req;
        },
      },
    ],
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
