import { expect } from 'chai';
import { createRedis, type Redis } from '../../infra/redis/connection';
import { RedisEventBus } from '../../infra/redis/eventBus';
import { MemoryEventBus } from '../../infra/memory/eventBus';
import type { EventBus, HandoffEvent } from '../../handoff/events';
import { ownRedis, testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

function message(i: number): HandoffEvent {
  return { type: 'handoff.customer_message', handoffId: 'h1', conversationId: 'c1', at: new Date(0).toISOString(), text: `#${String(i)}` };
}

/** Collects what a bus hands on; resolves once `n` events have arrived (or rejects after `ms`). */
function hear(bus: EventBus): { heard: HandoffEvent[]; until: (n: number, ms?: number) => Promise<void> } {
  const heard: HandoffEvent[] = [];
  bus.subscribe((e) => heard.push(e));
  return {
    heard,
    until: async (n, ms = 5000) => {
      const started = Date.now();
      while (heard.length < n) {
        if (Date.now() - started > ms) throw new Error(`heard ${String(heard.length)} of ${String(n)} events`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** Instances of one bus: what one publishes, every one hears (each its own connection, as separate processes have). */
function contract(name: string, make: () => Promise<{ buses: EventBus[]; dispose: () => Promise<void> }>): void {
  describe(`event bus: ${name}`, () => {
    it('every instance hears every event once, in the order published', async () => {
      const { buses, dispose } = await make();
      try {
        const ears = buses.map(hear);
        await Promise.all(buses.filter((b) => b instanceof RedisEventBus).map((b) => b.ready));
        for (let i = 0; i < 50; i += 1) await buses[i % buses.length].publish(message(i));
        for (const ear of ears) {
          await ear.until(50);
          expect(ear.heard.map((e) => (e.type === 'handoff.customer_message' ? e.text : ''))).to.deep.equal(
            Array.from({ length: 50 }, (_, i) => `#${String(i)}`),
          );
        }
        await new Promise((r) => setTimeout(r, 100));
        for (const ear of ears) expect(ear.heard).to.have.length(50); // none twice
      } finally {
        await dispose();
      }
    });
  });
}

contract('memory', async () => {
  const bus = new MemoryEventBus();
  return { buses: [bus], dispose: () => bus.dispose() };
});

async function redisBuses(connect: () => Redis, count: number): Promise<{ buses: RedisEventBus[]; dispose: () => Promise<void> }> {
  const key = `${uniqueNamespace('events')}:events`;
  const connections = Array.from({ length: count }, connect);
  const buses = connections.map((c) => new RedisEventBus(c, key, () => undefined));
  return {
    buses,
    dispose: async () => {
      await Promise.all(buses.map((b) => b.dispose()));
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}

contract('Redis', async () => {
  const { url } = await testRedis();
  return redisBuses(() => createRedis(url), 2);
});

contract('Redis Cluster', async () => {
  const cluster = await testRedisCluster();
  return redisBuses(() => createRedis({ clusterNodes: cluster.nodes }), 2);
});

describe('event bus: Redis, when a reading connection drops or Redis restarts', function () {
  this.timeout(30_000);

  it('an instance whose reader was cut off hears what was published meanwhile, once (pub/sub would lose it)', async () => {
    const { url } = await testRedis();
    const admin = createRedis(url);
    const [pa, pb] = [createRedis(url), createRedis(url)];
    const key = `${uniqueNamespace('events')}:events`;
    const errors: unknown[] = [];
    const a = new RedisEventBus(pa, key, (e) => errors.push(e), { readerName: `${key}:reader-a` });
    const b = new RedisEventBus(pb, key, () => undefined);
    try {
      const ear = hear(a);
      await a.ready;
      await b.publish(message(0));
      await ear.until(1);
      const clients = String(await admin.client('LIST'));
      const reader = /id=(\d+) [^\n]* name=(\S+)/g;
      const ids = [...clients.matchAll(reader)].filter((m) => m[2] === `${key}:reader-a`).map((m) => m[1]);
      expect(ids, 'the reader named itself').to.have.length(1);
      await admin.client('KILL', 'ID', ids[0]);
      // Published before the reader can have reconnected (its first retry is 50 ms away).
      await b.publish(message(1));
      await b.publish(message(2));
      await ear.until(3);
      await new Promise((r) => setTimeout(r, 200));
      expect(ear.heard.map((e) => (e.type === 'handoff.customer_message' ? e.text : ''))).to.deep.equal(['#0', '#1', '#2']);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
      await Promise.all([pa.quit(), pb.quit(), admin.quit()]);
    }
  });

  it('after a Redis that kept nothing restarts, events published on the new stream are heard', async () => {
    const redis = await ownRedis();
    const [pa, pb] = [createRedis(redis.url, { commandTimeoutMs: 500 }), createRedis(redis.url, { commandTimeoutMs: 500 })];
    pa.on('error', () => undefined);
    pb.on('error', () => undefined);
    const key = `${uniqueNamespace('events')}:events`;
    const a = new RedisEventBus(pa, key, () => undefined);
    const b = new RedisEventBus(pb, key, () => undefined);
    try {
      const ear = hear(a);
      await a.ready;
      for (let i = 0; i < 3; i += 1) await b.publish(message(i));
      await ear.until(3);
      await redis.stop();
      await redis.start(); // an empty Redis: the stream is gone, its ids start again from the clock
      let published = false;
      for (let tries = 0; !published && tries < 100; tries += 1)
        published = await b.publish(message(3)).then(
          () => true,
          async () => {
            await new Promise((r) => setTimeout(r, 100));
            return false;
          },
        );
      expect(published).to.equal(true);
      await ear.until(4, 10_000);
      expect(ear.heard.map((e) => (e.type === 'handoff.customer_message' ? e.text : ''))).to.deep.equal(['#0', '#1', '#2', '#3']);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
      pa.disconnect();
      pb.disconnect();
      await redis.stop();
    }
  });
});
