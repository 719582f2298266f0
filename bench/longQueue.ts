/* `npm run bench:queue [-- N [RUNS]]`: a long queue at peak hour. One kefu on Redis; its one agent
 * online is full, so each of N customers asking for a person (转人工) joins the queue and is told
 * their place and wait. The clock runs from the customer's message to that reply: for customers
 * 21–120 (a short queue; the first 20 warm the process up), and for the last 100, who arrive ten a
 * second with N − 100 already waiting while the instance's sweeps run over the whole queue. Then an
 * agent's console reads the queue (GET /queue) 20 times at that depth.
 * RUNS (default 3) fresh instances; medians reported. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../kernel/paths';
import { AgentClient } from '../testkit/agentClient';
import { BotClient } from '../testkit/botClient';
import { NO_RATE_LIMITS, startKefuProcess } from '../testkit/kefuProcess';
import { uniqueNamespace } from '../testkit/redisServer';
import { benchOnRedis, medianOfRuns, percentile } from './results';

/** The shipped routing, open all day: outside working hours a customer gets a callback ticket, not a place in the queue. */
function allDayRouting(): string {
  const routing = JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')) as { workingHours: { from: string; to: string } };
  routing.workingHours = { ...routing.workingHours, from: '00:00', to: '23:59' };
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-queue-')), 'routing.json');
  writeFileSync(file, JSON.stringify(routing));
  return file;
}

export async function longQueueBench(n: number, runs: number, redisUrl: string): Promise<Record<string, number | string>> {
  if (n < 220) throw new Error('long queue: N must be at least 220 (customers 21–120 and the last 100 are measured)');
  const routingFile = allDayRouting();
  const perRun: Array<Record<string, number>> = [];
  for (let run = 0; run < runs; run += 1) {
    const kefu = await startKefuProcess({
      ...NO_RATE_LIMITS,
      REDIS_URL: redisUrl,
      REDIS_NAMESPACE: uniqueNamespace('long-queue'),
      ROUTING_FILE: routingFile,
      LOG_LEVEL: 'error',
    });
    try {
      // Bob (capacity 3) is the one agent online: the first three customers are his, the rest wait.
      await new AgentClient(kefu.url, 'demo-token-carol').call('PUT', '/presence', { status: 'offline' });
      const bob = new AgentClient(kefu.url, 'demo-token-bob');
      await bob.online();
      const ask = async () => {
        const c = new BotClient(kefu.url);
        const started = performance.now();
        const reply = await c.say('转人工', { serviceUrl: `${kefu.url}/dev/inbox/` });
        return { reply, ms: performance.now() - started };
      };
      // The queue fills as fast as customers can be answered; the first 20 warm the process up.
      const took: number[] = [];
      for (let i = 0; i < n - 100; i += 1) took.push((await ask()).ms);
      const shallow = took.slice(20, 120).sort((x, y) => x - y);
      // At depth, customers keep arriving ten a second for ten seconds: the sweeps over the deep
      // queue (every second; the escalation check every fifth) run among them, as at peak hour.
      const deep: number[] = [];
      let last = '';
      for (let i = 0; i < 100; i += 1) {
        const due = performance.now() + 100;
        const asked = await ask();
        deep.push(asked.ms);
        last = asked.reply;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
      // The last customer was told their place: everyone before them but Bob's three.
      if (!last.includes(`您前面还有 ${n - 4} 位`)) throw new Error(`long queue: the last customer was told "${last}"`);
      deep.sort((x, y) => x - y);
      // An agent's console reads the queue on every queue event: GET /queue at that depth.
      const console: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const started = performance.now();
        await bob.call('GET', '/queue');
        console.push(performance.now() - started);
      }
      console.sort((x, y) => x - y);
      perRun.push({
        'long_queue.shallow_p50_ms': percentile(shallow, 0.5),
        'long_queue.shallow_p99_ms': percentile(shallow, 0.99),
        'long_queue.deep_p50_ms': percentile(deep, 0.5),
        'long_queue.deep_p99_ms': percentile(deep, 0.99),
        'long_queue.console_queue_p50_ms': percentile(console, 0.5),
      });
    } finally {
      await kefu.kill();
    }
  }
  return {
    'long_queue.waiting': n,
    'long_queue.runs': runs,
    ...medianOfRuns(perRun, [{ key: 'long_queue.deep_p99_ms', as: 'long_queue.per_run_deep_p99_ms' }]),
  };
}

if (require.main === module) benchOnRedis((redisUrl) => longQueueBench(Number(process.argv[2] ?? 800), Number(process.argv[3] ?? 3), redisUrl));
