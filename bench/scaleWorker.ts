/* One scale measurement, in its own process (run with --expose-gc): N active conversations, each
 * left inside the order dialog waiting for the phone digits (profile, dialog state, transcript,
 * conversation reference), then the memory they hold — in this process and in Redis.
 * argv: JSON {n, transcript, redisUrl?, clusterNodes?, namespace?, offset?, fillOnly?} — with fillOnly
 * (one of several instances filling a shared Redis) it fills conversations offset…offset+n-1 and
 * reports only its time; the caller measures the cluster. */
import { createRedis, type Redis } from '../infra/redis/connection';
import { createKefu } from '../bot/app';
import { loadData, parseEnv } from '../bot/config';
import { createLogger } from '../kernel/log';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  n: number;
  transcript: boolean;
  redisUrl?: string;
  clusterNodes?: string;
  namespace?: string;
  offset?: number;
  fillOnly?: boolean;
};
const offset = o.offset ?? 0;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function usedMemory(redis: Redis | undefined): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Conversations 0…n-1, 64 turns in flight at a time. */
async function fill(n: number, turn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) await turn(next++);
    }),
  );
}

async function main(): Promise<void> {
  const env = parseEnv({
    LOG_LEVEL: 'error',
    STATE_MAX_CONVERSATIONS: String(o.n + 10_000),
    TRANSCRIPT_MAX_ENTRIES: o.transcript ? '500' : '0',
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl, REDIS_NAMESPACE: o.namespace ?? 'scale' } : {}),
    ...(o.clusterNodes ? { REDIS_CLUSTER_NODES: o.clusterNodes, REDIS_NAMESPACE: o.namespace ?? 'scale' } : {}),
  });
  const kefu = createKefu(env, loadData(env), createLogger('error'));
  await kefu.ready;
  kefu.worker.stop();
  const redis = o.redisUrl ? createRedis(o.redisUrl) : undefined;
  const turn = (i: number) =>
    kefu.processActivity({
      type: 'message',
      id: `m${i}`,
      channelId: 'bench',
      serviceUrl: 'http://127.0.0.1:9/',
      deliveryMode: 'expectReplies',
      from: { id: `user-${i}`, name: 'u' },
      recipient: { id: 'kefu', name: 'kefu' },
      conversation: { id: `scale-${i}` },
      text: '查物流 KF202611220001',
      timestamp: new Date(),
    } as never);
  if (o.fillOnly) {
    const started = performance.now();
    await fill(o.n, (i) => turn(offset + i));
    process.stdout.write(`${JSON.stringify({ n: o.n, seconds: (performance.now() - started) / 1000 })}\n`);
    await kefu.close();
    process.exit(0);
  }
  // Warm up on a few conversations so one-off allocations (JIT, caches) are not counted per conversation.
  for (let i = 0; i < 200; i += 1) await turn(o.n + i);
  // Memory after two collections with a pause between (finalisers run, the heap settles).
  const settled = async () => {
    gc();
    await new Promise((r) => setTimeout(r, 200));
    gc();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heap: heapUsed, redis: await usedMemory(redis) };
  };
  const before = await settled();
  const started = performance.now();
  await fill(o.n, turn);
  const seconds = (performance.now() - started) / 1000;
  const after = await settled();
  process.stdout.write(
    `${JSON.stringify({
      n: o.n,
      transcript: o.transcript,
      store: o.redisUrl ? 'redis' : 'memory',
      seconds: Math.round(seconds),
      rss_bytes_per_conversation: Math.round((after.rss - before.rss) / o.n),
      heap_bytes_per_conversation: Math.round((after.heap - before.heap) / o.n),
      redis_bytes_per_conversation: redis ? Math.round((after.redis - before.redis) / o.n) : undefined,
      rss_mib: Math.round(after.rss / 2 ** 20),
    })}\n`,
  );
  await redis?.quit();
  await kefu.close();
  process.exit(0);
}

void main();
