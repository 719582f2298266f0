import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const SECRET = 'channel-secret-for-tests-0123456789';

describe('production mode: /api/messages requires the channel secret', function () {
  let kefu: RunningKefu;
  before(async function () {
    this.timeout(60_000);
    kefu = await startKefu({
      KEFU_MODE: 'production',
      BOT_CHANNEL_SECRET: SECRET,
      USER_TOKEN_SECRET: 'user-token-secret-for-tests-9f3Kq2Lm8Zx',
      SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:9/',
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      METRICS_TOKEN: 'metrics-token-for-tests-7Hq2Xv9Lp4',
    });
  });
  after(() => kefu.close());

  for (const [name, headers] of [
    ['no Authorization header', {}],
    ['a wrong secret', { authorization: 'Bearer wrong-secret' }],
    ['the secret with one character changed', { authorization: `Bearer ${SECRET.slice(0, -1)}X` }],
  ] as const) {
    it(`refuses ${name} with 401`, async () => {
      const c = new BotClient(kefu.url, { headers });
      const res = await c.post(c.activity('message', { text: '你好' }));
      expect(res.status).to.equal(401);
    });
  }

  it('accepts the right secret', async () => {
    const c = new BotClient(kefu.url, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(await c.say('怎么开发票')).to.contain('申请开票');
  });

  it('/api/nlu/parse needs the channel secret or an agent token (not a public oracle for probing the risk scanner)', async () => {
    const parse = (headers: Record<string, string>) =>
      fetch(`${kefu.url}/api/nlu/parse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ text: '我要退款' }),
      });
    expect((await parse({})).status).to.equal(401);
    expect((await parse({ authorization: 'Bearer not-a-token' })).status).to.equal(401);
    expect((await parse({ authorization: `Bearer ${SECRET}` })).status).to.equal(200);
    expect((await parse({ authorization: 'Bearer test-token-alice' })).status).to.equal(200);
  });

  it('health checks stay open', async () => {
    expect((await fetch(`${kefu.url}/healthz`)).status).to.equal(200);
  });
});
