import { expect } from 'chai';
import { createRedis } from '../../infra/redis/connection';
import { type KeyValueStore } from '../../infra/kv';
import { MemoryKeyValueStore } from '../../infra/memory/kv';
import { RedisKeys } from '../../infra/redis/keys';
import { RedisKeyValueStore } from '../../infra/redis/kv';
import { loadScripts } from '../../infra/redis/scripts';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

function contract(name: string, make: () => Promise<{ kv: KeyValueStore; dispose: () => Promise<void> }>): void {
  describe(`key-value store: ${name}`, () => {
    it('setIfAbsent: of many concurrent callers exactly one wins; values expire', async () => {
      const { kv, dispose } = await make();
      try {
        const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.setIfAbsent('msg:1', String(i), 10_000)));
        expect(wins.filter(Boolean)).to.have.length(1);
        await kv.set('short', 'v', 50);
        expect(await kv.get('short')).to.equal('v');
        await new Promise((r) => setTimeout(r, 120));
        expect(await kv.get('short')).to.equal(undefined);
        await kv.del('msg:1');
        expect(await kv.setIfAbsent('msg:1', 'again', 1000)).to.equal(true);
      } finally {
        await dispose();
      }
    });

    it('increment: concurrent counts are all counted; the window starts at the first count and is not pushed back', async () => {
      const { kv, dispose } = await make();
      try {
        const counts = await Promise.all(Array.from({ length: 15 }, () => kv.increment('rate:a', 1000)));
        expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 15 }, (_, i) => i + 1));
        await new Promise((r) => setTimeout(r, 600));
        expect(await kv.increment('rate:a', 1000)).to.equal(16); // still the first window, not pushed back
        await new Promise((r) => setTimeout(r, 600)); // past the first count's window (a pushed-back one would still run): a new one
        expect(await kv.increment('rate:a', 1000)).to.equal(1);
        expect(await kv.increment('rate:b', 1000)).to.equal(1);
      } finally {
        await dispose();
      }
    });

    it('replaceIfEquals: only the value expected is replaced, with a new lifetime; of concurrent replacers one wins', async () => {
      const { kv, dispose } = await make();
      try {
        await kv.set('lease', 'run:a', 10_000);
        expect(await kv.replaceIfEquals('lease', 'run:b', 'done:b', 10_000)).to.equal(false);
        expect(await kv.get('lease')).to.equal('run:a');
        const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => kv.replaceIfEquals('lease', 'run:a', `run:${String(i)}`, 60)));
        expect(wins.filter(Boolean)).to.have.length(1);
        await new Promise((r) => setTimeout(r, 150));
        expect(await kv.get('lease')).to.equal(undefined);
        expect(await kv.replaceIfEquals('lease', 'run:a', 'x', 1000)).to.equal(false);
      } finally {
        await dispose();
      }
    });
  });
}

contract('memory', async () => ({ kv: new MemoryKeyValueStore(), dispose: async () => undefined }));
contract('Redis', async () => {
  const redis = createRedis((await testRedis()).url);
  return {
    kv: new RedisKeyValueStore(loadScripts(redis), new RedisKeys(uniqueNamespace('kv'))),
    dispose: async () => {
      await redis.quit();
    },
  };
});
contract('Redis Cluster', async () => {
  const redis = createRedis({ clusterNodes: (await testRedisCluster()).nodes });
  return {
    kv: new RedisKeyValueStore(loadScripts(redis), new RedisKeys(uniqueNamespace('kv'))),
    dispose: async () => {
      await redis.quit();
    },
  };
});

describe('key-value store: memory, bounded', () => {
  it('counters count against the bound, and expired entries are swept out without being read', async () => {
    let now = 0;
    const kv = new MemoryKeyValueStore(1_000, () => now);
    // A rate-limit bucket per conversation: far more keys than the bound.
    for (let i = 0; i < 3_000; i += 1) await kv.increment(`rate:conv-${String(i)}`, 60_000);
    expect(kv.size).to.equal(1_000);
    // A minute later every bucket has expired; writes alone (no reads) clear them out.
    now += 61_000;
    for (let i = 0; i < 5_000; i += 1) await kv.set(`short:${String(i % 10)}`, 'v', 1_000);
    expect(kv.size).to.equal(10);
    expect(await kv.increment('rate:conv-2999', 60_000)).to.equal(1);
  });
});
