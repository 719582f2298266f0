import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../kernel/paths';
import { createRedis, type Redis } from '../../infra/redis/connection';
import { RedisKeys } from '../../infra/redis/keys';
import { RedisKeyValueStore } from '../../infra/redis/kv';
import { loadScripts } from '../../infra/redis/scripts';
import { ownRedis, type OwnRedis, uniqueNamespace } from '../../testkit/redisServer';

/** Scripts run by SHA; a server that has not seen one (new, restarted, flushed) is sent it again. */
describe('Lua scripts by name', () => {
  let server: OwnRedis;
  let redis: Redis;
  let kv: RedisKeyValueStore;

  before(async () => {
    server = await ownRedis();
    redis = createRedis(server.url);
    kv = new RedisKeyValueStore(loadScripts(redis), new RedisKeys(uniqueNamespace('scripts')));
  });
  after(async () => {
    await redis.quit();
    await server.stop();
  });

  it('a server that never saw the script runs it, and keeps it', async () => {
    expect(await kv.increment('a', 60_000)).to.equal(1);
    expect(await kv.increment('a', 60_000)).to.equal(2);
    expect(await redis.call('SCRIPT', 'EXISTS', incrementSha())).to.deep.equal([1]);
  });

  it('after SCRIPT FLUSH (as after a restart) concurrent transitions all succeed, each counted once', async () => {
    await redis.call('SCRIPT', 'FLUSH');
    const counts = await Promise.all(Array.from({ length: 12 }, () => kv.increment('b', 60_000)));
    expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await kv.replaceIfEquals('c', 'x', 'y', 1000)).to.equal(false);
  });

  it('a script that fails for another reason is an error, not retried as a missing script', async () => {
    const ns = uniqueNamespace('scripts-wrongtype');
    const typed = new RedisKeyValueStore(loadScripts(redis), new RedisKeys(ns));
    await typed.increment('counter', 60_000);
    // The same key made a list: INCR inside the script now fails with WRONGTYPE.
    const key = (await redis.keys(`*${ns}*counter*`))[0];
    await redis.del(key);
    await redis.rpush(key, 'not a number');
    let error: unknown;
    await typed.increment('counter', 60_000).catch((err: unknown) => (error = err));
    expect(String(error)).to.match(/WRONGTYPE/);
  });

  /** The SHA1 of the increment script's file, computed here (SCRIPT LOAD would cache it itself). */
  function incrementSha(): string {
    return createHash('sha1')
      .update(readFileSync(fromRoot('infra/redis/lua/increment-1.lua'), 'utf8'))
      .digest('hex');
  }
});
