import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { ownRedis, uniqueNamespace, type OwnRedis } from '../../testkit/redisServer';

/** Faults finding 5: a stalled Redis hangs nothing — readiness says 503 within a second, turns fail fast with 503 + Retry-After. */
describe('a stalled Redis (SIGSTOP)', function () {
  this.timeout(60_000);
  let redis: OwnRedis;
  let kefu: RunningKefu;

  before(async () => {
    redis = await ownRedis();
    kefu = await startKefu({ REDIS_URL: redis.url, REDIS_NAMESPACE: uniqueNamespace('stall'), REDIS_COMMAND_TIMEOUT_MS: '500' });
  });
  after(async () => {
    redis.child.kill('SIGCONT');
    await kefu.close();
    await redis.stop();
  });

  it('/readyz answers 503 within 1 s; a customer message gets 503 + Retry-After fast, not a hang or a false apology; all well again after SIGCONT', async () => {
    const c = new BotClient(kefu.url);
    expect(await c.say('怎么开发票')).to.contain('申请开票');
    redis.child.kill('SIGSTOP');
    try {
      let started = Date.now();
      const ready = await fetch(`${kefu.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(Date.now() - started).to.be.below(1000);
      started = Date.now();
      const res = await fetch(`${kefu.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(c.activity('message', { text: '怎么开发票' })),
      });
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('2');
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('store_unavailable');
      expect(Date.now() - started, 'fails fast').to.be.below(5000);
    } finally {
      redis.child.kill('SIGCONT');
    }
    const started = Date.now();
    while ((await fetch(`${kefu.url}/readyz`)).status !== 200 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 100));
    const after = await c.post(c.activity('message', { text: '优惠券怎么用' }));
    expect(after.status, kefu.logs.slice(-5).join('\n')).to.equal(200);
    expect(after.activities.map((a) => a.text ?? '').join('')).to.contain('优惠券');
  });
});
