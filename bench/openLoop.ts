/* Runs in its own process: an open-loop load — requests start on a fixed schedule (RATE per second,
 * evenly spaced) whatever the server's latency, spread over CONVERSATIONS conversations running the
 * same dialog script as loadgen. argv: JSON {url, rate, conversations, durationS}. */
import { randomUUID } from 'node:crypto';
import { SCRIPT, scriptActivityJson } from './script';
import { Agent, request } from 'node:http';

const o = JSON.parse(process.argv[2] ?? '{}') as { url: string; rate: number; conversations: number; durationS: number };
const target = new URL(`${o.url}/api/messages`);
const agent = new Agent({ keepAlive: true, maxSockets: o.conversations });
const convs = Array.from({ length: o.conversations }, () => ({ id: `open-${randomUUID()}`, step: 0 }));
const latencies: number[] = [];
let errors = 0;
let inflight = 0;

function fire(i: number): void {
  const c = convs[i % convs.length];
  if (c.step % SCRIPT.length === 0 && c.step > 0) c.id = `open-${randomUUID()}`;
  const body = scriptActivityJson(c.id, SCRIPT[c.step % SCRIPT.length]);
  c.step += 1;
  const started = performance.now();
  inflight += 1;
  const req = request(
    {
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        inflight -= 1;
        if (res.statusCode === 200) latencies.push(performance.now() - started);
        else errors += 1;
      });
    },
  );
  req.on('error', () => {
    inflight -= 1;
    errors += 1;
  });
  req.end(body);
}

const total = o.rate * o.durationS;
const interval = 1000 / o.rate;
const t0 = performance.now();
let sent = 0;
const timer = setInterval(
  () => {
    // Catch up on the schedule if the timer fired late: arrivals do not wait for the server.
    const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
    while (sent < due) fire(sent++);
    if (sent >= total) {
      clearInterval(timer);
      const wait = setInterval(() => {
        if (inflight > 0 && performance.now() - t0 < (o.durationS + 30) * 1000) return;
        clearInterval(wait);
        latencies.sort((a, b) => a - b);
        const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
        process.stdout.write(
          `${JSON.stringify({ rps: latencies.length / o.durationS, total: latencies.length, p50_ms: pct(0.5), p99_ms: pct(0.99), errors, timeouts: inflight, non2xx: 0 })}\n`,
        );
        agent.destroy();
      }, 20);
    }
  },
  Math.max(1, Math.floor(interval / 2)),
);
