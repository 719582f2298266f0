import { expect } from 'chai';
import type { Socket } from 'node:net';
import { createRedis, type Redis } from '../../infra/redis/connection';
import { ownRedis, type OwnRedis, uniqueNamespace } from '../../testkit/redisServer';

/** How many times the connection's socket handed data to the operating system (Node's Writable: one call per write or per corked batch). */
function countFlushes(redis: Redis): { count: number } {
  if (!('stream' in redis)) throw new Error('one server expected, not a cluster');
  const socket: Socket = redis.stream;
  const counter = { count: 0 };
  const internals = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const write = internals._write.bind(socket);
  const writev = internals._writev.bind(socket);
  internals._write = (...a: unknown[]) => {
    counter.count += 1;
    write(...a);
  };
  internals._writev = (...a: unknown[]) => {
    counter.count += 1;
    writev(...a);
  };
  return counter;
}

/** The commands of one loop turn leave in one write, without ioredis's auto-pipelining. */
describe('Redis connection', () => {
  let server: OwnRedis;
  let redis: Redis;
  const ns = uniqueNamespace('conn');

  before(async () => {
    server = await ownRedis();
    redis = createRedis(server.url);
    await redis.ping();
  });
  after(async () => {
    await redis.quit();
    await server.stop();
  });

  it('fifty commands issued together reach Redis in one write, and each gets its own reply', async () => {
    const flushes = countFlushes(redis);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => redis.incrby(`${ns}:n${i % 5}`, i)));
    expect(flushes.count).to.equal(1);
    // n0 gets 0, 5, 10, …: each reply is the running total of its own key.
    expect(replies.slice(0, 10)).to.deep.equal([0, 1, 2, 3, 4, 5, 7, 9, 11, 13]);
    expect(await redis.mget(...Array.from({ length: 5 }, (_, k) => `${ns}:n${k}`))).to.deep.equal(['225', '235', '245', '255', '265']);
  });

  it('a command issued while others await their replies is not held back for them', async () => {
    const first = redis.blpop(`${ns}:empty`, 0.2); // the server answers this one 200 ms late
    await new Promise((r) => setImmediate(r)); // …and it has left
    const second = redis.set(`${ns}:late`, 'x');
    const flushes = countFlushes(redis);
    await new Promise((r) => setImmediate(r));
    expect(flushes.count, 'the second command left without waiting for the first reply').to.equal(1);
    expect(await Promise.all([first, second])).to.deep.equal([null, 'OK']);
    expect(await redis.get(`${ns}:late`)).to.equal('x');
  });

  it('after Redis restarts, the new socket coalesces too and nothing issued meanwhile is lost', async () => {
    await server.stop();
    const pending = Promise.all(Array.from({ length: 20 }, (_, i) => redis.set(`${ns}:after${i}`, String(i))));
    await server.start();
    await pending;
    const flushes = countFlushes(redis);
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => redis.get(`${ns}:after${i}`)));
    expect(values).to.deep.equal(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(flushes.count).to.equal(1);
  });
});
