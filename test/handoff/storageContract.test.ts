import { expect } from 'chai';
import type { Storage, StoreItem } from 'botbuilder';
import { createRedis } from '../../infra/redis/connection';
import { BoundedMemoryStorage } from '../../infra/memory/storage';
import { RedisStorage } from '../../infra/redis/storage';
import { RedisKeys } from '../../infra/redis/keys';
import { loadScripts } from '../../infra/redis/scripts';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

/** botbuilder Storage: the same behaviour in memory and in Redis. */
function contract(name: string, make: () => Promise<{ storage: Storage; dispose: () => Promise<void> }>): void {
  describe(`conversation state storage: ${name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ storage, dispose } = await make()));
    afterEach(() => dispose());

    it('reads back what it wrote, with an eTag, and forgets deleted items', async () => {
      await storage.write({ 'test/conversations/c1/': { profile: { locale: 'en', turns: 2 } } });
      const read = await storage.read(['test/conversations/c1/', 'missing']);
      expect(Object.keys(read)).to.deep.equal(['test/conversations/c1/']);
      expect(read['test/conversations/c1/']).to.deep.include({ profile: { locale: 'en', turns: 2 } });
      expect((read['test/conversations/c1/'] as StoreItem).eTag).to.be.a('string');
      await storage.delete(['test/conversations/c1/']);
      expect(await storage.read(['test/conversations/c1/'])).to.deep.equal({});
    });

    it('rejects a write with a stale eTag; "*" always writes', async () => {
      await storage.write({ k: { v: 1 } });
      const first = (await storage.read(['k'])).k as StoreItem;
      await storage.write({ k: { ...first, v: 2 } });
      let error: unknown;
      await storage.write({ k: { ...first, v: 3 } }).catch((e: unknown) => {
        error = e;
      });
      expect(String(error)).to.contain('eTag conflict');
      await storage.write({ k: { v: 4, eTag: '*' } });
      expect((await storage.read(['k'])).k).to.deep.include({ v: 4 });
    });
  });
}

contract('bounded memory', async () => ({ storage: new BoundedMemoryStorage(100, 60_000), dispose: async () => undefined }));
contract('Redis', async () => {
  const redis = loadScripts(createRedis((await testRedis()).url));
  return {
    storage: new RedisStorage(redis, new RedisKeys(uniqueNamespace('state')), 60),
    dispose: async () => {
      await redis.quit();
    },
  };
});
contract('Redis Cluster', async () => {
  const redis = loadScripts(createRedis({ clusterNodes: (await testRedisCluster()).nodes }));
  return {
    storage: new RedisStorage(redis, new RedisKeys(uniqueNamespace('state')), 60),
    dispose: async () => {
      await redis.quit();
    },
  };
});

describe('Redis conversation state expires', () => {
  it('every item carries the configured TTL', async () => {
    const redis = loadScripts(createRedis((await testRedis()).url));
    const keys = new RedisKeys(uniqueNamespace('ttl'));
    await new RedisStorage(redis, keys, 120).write({ x: { v: 1 } });
    const ttl = await redis.ttl(keys.state('x'));
    expect(ttl).to.be.within(100, 120);
    await redis.quit();
  });
});
