import { expect } from 'chai';
import Redis from 'ioredis';
import { MemoryKeyValueStore, RedisKeyValueStore, type KeyValueStore } from '../../bot/kv';
import { testRedis, uniqueNamespace } from '../helpers/redisServer';

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
  });
}

contract('memory', async () => ({ kv: new MemoryKeyValueStore(), dispose: async () => undefined }));
contract('Redis', async () => {
  const redis = new Redis((await testRedis()).url);
  return { kv: new RedisKeyValueStore(redis, uniqueNamespace('kv')), dispose: async () => { await redis.quit(); } };
});
