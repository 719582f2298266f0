/* One "instance" for the deadline benchmark: arms its share of deadlines in Redis, then polls the
 * store exactly as HandoffWorker does (takeDueDeadlines every pollMs) and reports what it fired.
 * argv: JSON {url, namespace, count, offsetMs, spreadMs, pollMs, label} */
import { RedisHandoffStore } from '../infra/redis/handoffStore';
import { createRedis } from '../infra/redis/connection';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  namespace: string;
  count: number;
  startAt: number;
  spreadMs: number;
  pollMs: number;
  label: string;
};

async function main(): Promise<void> {
  const store = new RedisHandoffStore(createRedis(o.url), { namespace: o.namespace, ttlSeconds: 600, transcriptEntries: 10, closedRetentionSeconds: 86400 });
  for (let i = 0; i < o.count; i += 1) {
    const dueAt = o.startAt + Math.floor(Math.random() * o.spreadMs);
    await store.armDeadline(`${o.label}-${i}-${dueAt}`, dueAt);
  }
  const fired: Array<[string, number]> = [];
  const end = o.startAt + o.spreadMs + 3000;
  await new Promise<void>((resolve) => {
    const tick = async () => {
      // As HandoffWorker: take due ones in batches of 100, draining while batches come back full.
      for (let batch = await store.takeDueDeadlines(Date.now(), 100); ; batch = await store.takeDueDeadlines(Date.now(), 100)) {
        for (const id of batch) fired.push([id, Date.now() - Number(id.split('-').pop())]);
        if (batch.length < 100) break;
      }
      if (Date.now() > end) return void resolve();
      setTimeout(() => void tick(), o.pollMs);
    };
    void tick();
  });
  process.stdout.write(`${JSON.stringify(fired)}\n`);
  await store.dispose();
}

void main();
