import { expect } from 'chai';
import { TestAdapter, TurnContext, type Activity, type Storage, type StoreItem } from 'botbuilder';
import { createRedis } from '../../infra/redis/connection';
import { BoundedMemoryStorage } from '../../infra/memory/storage';
import { RedisStorage } from '../../infra/redis/storage';
import { RedisKeys } from '../../infra/redis/keys';
import { loadScripts } from '../../infra/redis/scripts';
import { FencedConversationState, isFencedOut } from '../../infra/fencedConversationState';
import { isJsonStorage, type JsonStorage } from '../../infra/jsonStorage';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

/** A turn of conversation `id` on the channel "test": its state key is test/conversations/<id>/. */
function turnOf(id: string): TurnContext {
  const activity: Partial<Activity> = {
    type: 'message',
    channelId: 'test',
    conversation: { id } as Activity['conversation'],
    from: { id: 'customer', name: 'customer' },
    recipient: { id: 'kefu', name: 'kefu' },
    text: 'hi',
  };
  return new TurnContext(new TestAdapter(), activity);
}

/** The storage seen through botbuilder's Storage interface alone (as a third-party storage would be). */
function storageOnly(storage: Storage): Storage {
  return { read: (keys) => storage.read(keys), write: (changes) => storage.write(changes), delete: (keys) => storage.delete(keys) };
}

/** botbuilder Storage: the same behaviour in memory and in Redis. */
function contract(name: string, make: () => Promise<{ storage: Storage; dispose: () => Promise<void> }>): void {
  describe(`conversation state storage: ${name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ storage, dispose } = await make()));
    afterEach(() => dispose());

    for (const via of ['JSON', 'Storage only'] as const)
      it(`fenced (${via}): a turn that outlived its lock cannot overwrite the state a later turn wrote; one turn may save twice`, async () => {
        // botbuilder's BotState writes with eTag "*"; the bot's FencedConversationState writes with the eTag the turn read.
        const state = new FencedConversationState(via === 'JSON' ? storage : storageOnly(storage));
        const step = state.createProperty<string>('step');
        const first = turnOf('fence');
        await step.set(first, 'asked for the order id');
        await state.saveChanges(first);

        const stale = turnOf('fence'); // e.g. its process was stopped past its lease, after reading
        expect(await step.get(stale)).to.equal('asked for the order id');
        const next = turnOf('fence');
        await step.set(next, 'verified');
        await state.saveChanges(next);
        await step.set(next, 'verified, answered');
        await state.saveChanges(next);

        await step.set(stale, 'stale');
        let refused: unknown;
        await state.saveChanges(stale).catch((err: unknown) => (refused = err));
        expect(isFencedOut(refused), String(refused)).to.equal(true);
        expect(await step.get(turnOf('fence'))).to.equal('verified, answered');
      });

    it('state: a turn that changed nothing writes nothing; a change deep inside is written', async () => {
      const state = new FencedConversationState(storage);
      const dialog = state.createProperty<{ stack: Array<{ id: string; state: Record<string, unknown> }> }>('dialogState');
      const first = turnOf('quiet');
      await dialog.set(first, { stack: [{ id: 'order', state: { asked: 'orderId' } }] });
      await state.saveChanges(first);
      const key = 'test/conversations/quiet/';
      const eTag = ((await storage.read([key]))[key] as StoreItem).eTag;

      const reader = turnOf('quiet');
      expect(await dialog.get(reader)).to.deep.equal({ stack: [{ id: 'order', state: { asked: 'orderId' } }] });
      await state.saveChanges(reader);
      expect(((await storage.read([key]))[key] as StoreItem).eTag).to.equal(eTag);

      const changer = turnOf('quiet');
      const value = await dialog.get(changer);
      if (value) value.stack[0].state.asked = 'last four digits';
      await state.saveChanges(changer);
      expect(await dialog.get(turnOf('quiet'))).to.deep.equal({ stack: [{ id: 'order', state: { asked: 'last four digits' } }] });
    });

    it('a turn on a conversation with no state writes nothing; a corrupt item reads as a fresh state and is overwritten', async () => {
      const state = new FencedConversationState(storage);
      const step = state.createProperty<string>('step');
      const reader = turnOf('new');
      expect(await step.get(reader)).to.equal(undefined);
      await state.saveChanges(reader);
      expect(await storage.read(['test/conversations/new/'])).to.deep.equal({});

      expect(isJsonStorage(storage)).to.equal(true);
      await (storage as JsonStorage).writeJson('test/conversations/broken/', '{"step": "asked', undefined);
      const turn = turnOf('broken');
      expect(await step.get(turn)).to.equal(undefined);
      await step.set(turn, 'greeted');
      await state.saveChanges(turn);
      expect(await step.get(turnOf('broken'))).to.equal('greeted');
    });

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

describe('Redis conversation state is stored compactly', () => {
  it('a dialog state of a few hundred bytes is stored deflated, smaller than its JSON, and reads back the same', async () => {
    const redis = loadScripts(createRedis((await testRedis()).url));
    const keys = new RedisKeys(uniqueNamespace('deflate'));
    const prompt = '为保护您的隐私，请输入该订单预留手机号的后四位数字。';
    const state = { dialogStack: [{ id: 'order.last4', state: { options: { prompt, retryPrompt: `请输入 4 位数字。${prompt}` } } }], lastReply: prompt };
    await new RedisStorage(redis, keys, 120).write({ conv: { ...state } });
    const stored = await redis.hgetBuffer(keys.state('conv'), 'json');
    expect(stored?.length).to.be.lessThan(Buffer.byteLength(JSON.stringify(state)));
    const read = await new RedisStorage(redis, keys, 120).read(['conv']);
    expect(read.conv).to.deep.include(state);
    await redis.quit();
  });

  it('an item an earlier version wrote as plain JSON is still read', async () => {
    const redis = loadScripts(createRedis((await testRedis()).url));
    const keys = new RedisKeys(uniqueNamespace('plain'));
    const state = { profile: { locale: 'en', turns: 3, lastReply: 'x'.repeat(400) } };
    await redis.hset(keys.state('old'), 'json', JSON.stringify(state), 'eTag', 'e1');
    const read = await new RedisStorage(redis, keys, 120).read(['old']);
    expect(read.old).to.deep.equal({ ...state, eTag: 'e1' });
    await redis.quit();
  });
});
