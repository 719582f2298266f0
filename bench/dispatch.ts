/* `npm run bench:dispatch [-- N [RUNS]]` (RUNS, default 3, repeated measurements; medians reported): two kefu instances on one Redis.
 * - time to agent: an agent at capacity with customers waiting closes a chat on instance A; the
 *   clock runs from that close request to the next handoff's `handoff.assigned` event heard on
 *   instance B (the slot freeing → the next customer's agent).
 * - high risk to screen: a free agent is online; a customer writes a self-harm message through A;
 *   the clock runs to the assigned agent's live event on B (the seeds' 三秒响应). */
import { AgentClient, type HandoffListJson } from '../testkit/agentClient';
import { BotClient } from '../testkit/botClient';
import { startInstances } from './instances';
import { benchOnRedis, medianOfRuns, percentile } from './results';

/** On `store` (see startInstances), `instances` kefu processes: A the first, B the last; `runs` repeated measurements, medians reported. */
export async function dispatchBench(n: number, runs: number, store: string | Record<string, string>, instances = 2): Promise<Record<string, number | string>> {
  const all = await startInstances(store, instances, 'bench-dispatch');
  const [a, b] = [all[0], all[all.length - 1]];
  const serviceUrl = `${a.url}/dev/inbox/`;
  try {
    // Bob (capacity 3) on A does the work; his event stream is on B.
    const bobOnA = new AgentClient(a.url, 'demo-token-bob');
    const bobOnB = new AgentClient(b.url, 'demo-token-bob');
    await bobOnB.listen();
    const closeAll = async () => {
      for (const h of ((await bobOnA.call('GET', '/handoffs')).body as HandoffListJson).items)
        await bobOnA.call('POST', `/handoffs/${h.id}/close`, { resolution: 'bench' });
    };
    const carol = new AgentClient(a.url, 'demo-token-carol');
    await carol.call('PUT', '/presence', { status: 'offline' });
    const perRun: Array<Record<string, number>> = [];
    for (let run = 0; run < runs; run += 1) {
      // Fill Bob, then keep n customers waiting.
      await bobOnA.online();
      for (let i = 0; i < n + 3; i += 1) await new BotClient(i % 2 ? a.url : b.url).say('转人工', { serviceUrl });
      const toAgent: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const first = ((await bobOnA.call('GET', '/handoffs')).body as HandoffListJson).items.at(0);
        if (!first) throw new Error('Bob holds nothing');
        const known = new Set(bobOnB.events.filter((e) => e.type === 'handoff.assigned').map((e) => e.handoffId));
        const started = performance.now();
        const assigned = bobOnB.arrivalOf((e) => e.type === 'handoff.assigned' && !known.has(e.handoffId), 5000);
        await bobOnA.call('POST', `/handoffs/${first.id}/close`, { resolution: 'bench' });
        toAgent.push((await assigned) - started);
      }
      // Bob closes everything; one free agent (Bob) hears self-harm messages.
      await closeAll();
      const highRisk: number[] = [];
      for (let i = 0; i < Math.min(n, 100); i += 1) {
        const c = new BotClient(a.url, { locale: 'en' });
        const started = performance.now();
        const seen = bobOnB.arrivalOf((e) => e.type === 'handoff.assigned' && e.conversationId === c.conversationId, 5000);
        await c.say("I'm going to kill myself", { serviceUrl });
        highRisk.push((await seen) - started);
        const h = ((await bobOnA.call('GET', '/handoffs')).body as HandoffListJson).items.find((x) => x.conversationId === c.conversationId);
        if (h) await bobOnA.call('POST', `/handoffs/${h.id}/close`, { resolution: 'bench' });
      }
      await closeAll();
      toAgent.sort((x, y) => x - y);
      highRisk.sort((x, y) => x - y);
      perRun.push({
        'dispatch.time_to_agent_p50_ms': percentile(toAgent, 0.5),
        'dispatch.time_to_agent_p99_ms': percentile(toAgent, 0.99),
        'dispatch.high_risk_to_screen_p50_ms': percentile(highRisk, 0.5),
        'dispatch.high_risk_to_screen_p99_ms': percentile(highRisk, 0.99),
      });
    }
    bobOnB.stop();
    return {
      'dispatch.samples': n,
      'dispatch.high_risk_samples': Math.min(n, 100),
      'dispatch.runs': runs,
      ...medianOfRuns(perRun, [
        { key: 'dispatch.time_to_agent_p99_ms', as: 'dispatch.per_run_time_to_agent_p99_ms' },
        { key: 'dispatch.high_risk_to_screen_p99_ms', as: 'dispatch.per_run_high_risk_to_screen_p99_ms' },
      ]),
    };
  } finally {
    await Promise.all(all.map((k) => k.kill()));
  }
}

if (require.main === module) benchOnRedis((redisUrl) => dispatchBench(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 3), redisUrl));
