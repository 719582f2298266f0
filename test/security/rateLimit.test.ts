import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';

/** Security finding 4: rate limits with 429 + Retry-After, counted across instances. */
describe('rate limits (two instances on one Redis)', function () {
  this.timeout(60_000);
  let a: RunningKefu;
  let b: RunningKefu;

  before(async () => {
    const env = {
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      REDIS_URL: (await testRedis()).url,
      REDIS_NAMESPACE: uniqueNamespace('rate'),
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '5',
      RATE_LIMIT_TOKENS_PER_HOUR: '3',
      RATE_LIMIT_AUTH_FAILURES: '10',
    };
    [a, b] = [await startKefu(env), await startKefu(env)];
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('messages per conversation: the sixth in a minute is 429 with Retry-After, whichever instance it reaches; other conversations go on', async () => {
    const onA = new BotClient(a.url);
    const onB = new BotClient(b.url);
    Object.defineProperty(onB, 'conversationId', { value: onA.conversationId });
    const statuses: number[] = [];
    for (const c of [onA, onB, onA, onB, onA]) statuses.push((await c.post(c.activity('message', { text: '你好' }))).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200]);
    const sixth = await fetch(`${b.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onB.activity('message', { text: '你好' })),
    });
    expect(sixth.status).to.equal(429);
    expect(Number(sixth.headers.get('retry-after'))).to.be.within(1, 60);
    expect(((await sixth.json()) as { error: { code: string } }).error.code).to.equal('rate_limited');
    expect(await new BotClient(a.url).say('怎么开发票')).to.contain('申请开票');
  });

  it('web-chat tokens per address: the fourth in an hour is 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${(i % 2 ? b : a).url}/chat/token`, { method: 'POST' })).status);
    expect(statuses.slice(0, 3).every((s) => s === 200)).to.equal(true);
    expect(statuses[3]).to.equal(429);
  });

  it('wrong agent tokens: after ten failures the address waits (429), across instances; the right token still works', async () => {
    const wrong = async (on: RunningKefu) => (await fetch(`${on.url}/agent/v1/me`, { headers: { authorization: 'Bearer guess-0000' } })).status;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push(await wrong(i % 2 ? b : a));
    expect(statuses.slice(0, 10)).to.deep.equal(Array.from({ length: 10 }, () => 401));
    expect(statuses.slice(10)).to.deep.equal([429, 429]);
    expect((await fetch(`${a.url}/agent/v1/me`, { headers: { authorization: 'Bearer test-token-alice' } })).status).to.equal(200);
  });
});
