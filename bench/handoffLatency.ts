/* `npm run bench:handoff [-- N [RUNS]]`: (RUNS, default 3, repeated measurements; medians reported) customer message → the agent's live event, with Redis and two
 * instances: the customer's messages enter on instance A, the agent's event stream is on B.
 * Two paths: a new handoff (转人工 → handoff.new on B) and the relay of a message while the
 * agent holds the conversation (→ handoff.customer_message on B). */
import { AgentClient, type HandoffListJson } from '../testkit/agentClient';
import { BotClient } from '../testkit/botClient';
import { startInstances } from './instances';
import { benchOnRedis, medianOfRuns, percentile } from './results';

/** On `store` (see startInstances), `instances` kefu processes: A the first, B the last. */
export async function handoffBench(n: number, runs: number, store: string | Record<string, string>, instances = 2): Promise<Record<string, number | string>> {
  const all = await startInstances(store, instances, 'bench');
  const [a, b] = [all[0], all[all.length - 1]];
  try {
    const agent = new AgentClient(b.url, 'demo-token-carol'); // a supervisor hears every event
    await agent.listen();
    const holder = new AgentClient(b.url, 'demo-token-alice');
    const perRun: Array<Record<string, number>> = [];
    for (let run = 0; run < runs; run += 1) {
      await holder.call('PUT', '/presence', { status: 'offline' });
      // New handoffs: nobody online, so each becomes a callback ticket after handoff.new is published.
      const newHandoff: number[] = [];
      for (let i = 0; i < Math.min(n, 300); i += 1) {
        const c = new BotClient(a.url);
        const started = performance.now();
        const seen = agent.arrivalOf((e) => e.type === 'handoff.new' && e.conversationId === c.conversationId, 10_000);
        await c.say('转人工', { serviceUrl: `${a.url}/dev/inbox/` });
        newHandoff.push((await seen) - started);
      }
      // The callback tickets just made would be dispatched to the holder the moment they come online
      // (filling their capacity): the supervisor closes them first.
      const tickets = new Set(agent.events.filter((e) => e.type === 'handoff.new').map((e) => e.handoffId));
      for (const id of tickets) await agent.call('POST', `/handoffs/${id}/close`, { resolution: 'bench' });
      // Relay: an agent holds one conversation; the customer keeps writing.
      await holder.online();
      const c = new BotClient(a.url);
      await c.say('转人工', { serviceUrl: `${a.url}/dev/inbox/` });
      const relay: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const text = `还要多久 #${run}.${i}`;
        const started = performance.now();
        const seen = agent.arrivalOf((e) => e.type === 'handoff.customer_message' && e.text === text, 10_000);
        await c.say(text, { serviceUrl: `${a.url}/dev/inbox/` });
        relay.push((await seen) - started);
      }
      const mine = ((await holder.call('GET', '/handoffs')).body as HandoffListJson).items;
      for (const h of mine) await holder.call('POST', `/handoffs/${h.id}/close`, { resolution: 'bench' });
      const all = [...newHandoff, ...relay].sort((x, y) => x - y);
      newHandoff.sort((x, y) => x - y);
      relay.sort((x, y) => x - y);
      perRun.push({
        'handoff.p50_ms': percentile(all, 0.5),
        'handoff.p99_ms': percentile(all, 0.99),
        'handoff.new.p50_ms': percentile(newHandoff, 0.5),
        'handoff.new.p99_ms': percentile(newHandoff, 0.99),
        'handoff.relay.p50_ms': percentile(relay, 0.5),
        'handoff.relay.p99_ms': percentile(relay, 0.99),
      });
    }
    agent.stop();
    return {
      'handoff.samples_per_run': Math.min(n, 300) + n,
      'handoff.runs': runs,
      ...medianOfRuns(perRun, [{ key: 'handoff.p99_ms', as: 'handoff.per_run_p99_ms' }]),
    };
  } finally {
    await Promise.all(all.map((k) => k.kill()));
  }
}

if (require.main === module) benchOnRedis((redisUrl) => handoffBench(Number(process.argv[2] ?? 500), Number(process.argv[3] ?? 3), redisUrl));
