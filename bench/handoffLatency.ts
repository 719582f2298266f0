/* `npm run bench:handoff [-- N]`: customer message → the agent's live event, with Redis and two
 * instances: the customer's messages enter on instance A, the agent's event stream is on B.
 * Two paths: a new handoff (转人工 → handoff.new on B) and the relay of a message while the
 * agent holds the conversation (→ handoff.customer_message on B). */
import { cpus, totalmem } from 'node:os';
import { AgentClient } from '../test/helpers/agentClient';
import { BotClient } from '../test/helpers/botClient';
import { startKefuProcess } from '../test/helpers/kefuProcess';
import { testRedis, uniqueNamespace } from '../test/helpers/redisServer';
import { percentile, recordResults, round2 } from './results';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500);
  const redis = await testRedis();
  const env = { REDIS_URL: redis.url, REDIS_NAMESPACE: uniqueNamespace('bench'), LOG_LEVEL: 'error' };
  const [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
  try {
    const agent = new AgentClient(b.url, 'demo-token-carol'); // a supervisor hears every event
    await agent.listen();

    // New handoffs: nobody online, so each becomes a callback ticket after handoff.new is published.
    const newHandoff: number[] = [];
    for (let i = 0; i < Math.min(n, 300); i += 1) {
      const c = new BotClient(a.url);
      const started = performance.now();
      const seen = agent.waitFor((e) => e.type === 'handoff.new' && e.conversationId === c.conversationId, 10_000);
      await c.say('转人工', { serviceUrl: `${a.url}/dev/inbox/` });
      await seen;
      newHandoff.push(performance.now() - started);
    }

    // Relay: an agent holds one conversation; the customer keeps writing.
    const holder = new AgentClient(b.url, 'demo-token-alice');
    await holder.online();
    const c = new BotClient(a.url);
    await c.say('转人工', { serviceUrl: `${a.url}/dev/inbox/` });
    const relay: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const text = `还要多久 #${i}`;
      const started = performance.now();
      const seen = agent.waitFor((e) => e.type === 'handoff.customer_message' && e.text === text, 10_000);
      await c.say(text, { serviceUrl: `${a.url}/dev/inbox/` });
      await seen;
      relay.push(performance.now() - started);
    }
    agent.stop();
    const all = [...newHandoff, ...relay].sort((x, y) => x - y);
    newHandoff.sort((x, y) => x - y);
    relay.sort((x, y) => x - y);
    const out = {
      'handoff.p50_ms': round2(percentile(all, 0.5)),
      'handoff.p99_ms': round2(percentile(all, 0.99)),
      'handoff.new.p50_ms': round2(percentile(newHandoff, 0.5)),
      'handoff.new.p99_ms': round2(percentile(newHandoff, 0.99)),
      'handoff.relay.p50_ms': round2(percentile(relay, 0.5)),
      'handoff.relay.p99_ms': round2(percentile(relay, 0.99)),
      'handoff.samples': all.length,
    };
    recordResults(out);
    process.stdout.write(`${JSON.stringify({ machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, ...out }, null, 2)}\n`);
  } finally {
    await Promise.all([a.kill(), b.kill()]);
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
