import { expect } from 'chai';
import { createRedis } from '../../infra/redis/connection';
import { type ActivityLog } from '../../infra/activityLog';
import { MemoryActivityLog } from '../../infra/memory/activityLog';
import { RedisActivityLog } from '../../infra/redis/activityLog';
import { RedisKeys } from '../../infra/redis/keys';
import { loadScripts } from '../../infra/redis/scripts';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';

/** The Direct Line activity log, the same expectations for both implementations. */
function contract(name: string, make: () => Promise<{ log: ActivityLog; done: () => Promise<void> }>): void {
  describe(`Direct Line activity log: ${name}`, () => {
    it('keeps the newest activities; watermarks count every activity ever appended', async () => {
      const { log, done } = await make();
      try {
        const ids: number[] = [];
        for (let i = 1; i <= 7; i += 1) ids.push(await log.append('c1', { id: i }));
        expect(ids).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
        const all = await log.since('c1', 0);
        expect(
          all.activities.map((a) => a.id),
          'only the newest 5 are kept',
        ).to.deep.equal([3, 4, 5, 6, 7]);
        expect(all.watermark).to.equal(7);
        expect(
          (await log.since('c1', 3)).activities.map((a) => a.id),
          'a client that read 3 gets the rest',
        ).to.deep.equal([4, 5, 6, 7]);
        expect(await log.since('c1', 7)).to.deep.equal({ activities: [], watermark: 7 });
        expect(await log.since('other', 0)).to.deep.equal({ activities: [], watermark: 0 });
      } finally {
        await done();
      }
    });
  });
}

contract('in-memory', async () => ({ log: new MemoryActivityLog(100, 5), done: async () => undefined }));
contract('Redis', async () => {
  const server = await testRedis();
  const redis = createRedis(server.url);
  const log = new RedisActivityLog(loadScripts(redis), new RedisKeys(uniqueNamespace('dl')), 600, 5);
  return { log, done: async () => void redis.disconnect() };
});
