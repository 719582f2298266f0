import { expect } from 'chai';
import { serviceUrlAllowed } from '../../bot/http/serviceUrl';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Security finding 3: the allowlist compares parsed URLs, so nothing gets past it by spelling. */
describe('SERVICE_URL_ALLOWLIST compares parsed URLs (no SSRF by spelling)', () => {
  const allow = ['http://127.0.0.1:4381/', 'https://smba.trafficmanager.net/apis/'];
  for (const [url, expected] of [
    ['http://127.0.0.1:4381/', true],
    ['http://127.0.0.1:4381/v3/conversations', true],
    ['https://smba.trafficmanager.net/apis/emea/', true],
    ['https://SMBA.trafficmanager.net/apis/x', true],
    ['http://127.0.0.1:4381@127.0.0.1:4383/', false],
    ['http://user:pass@127.0.0.1:4381/', false],
    ['http://127.0.0.1:43810/', false],
    ['http://127.0.0.1:4381.evil.example/', false],
    ['https://127.0.0.1:4381/', false],
    ['https://smba.trafficmanager.net/apisx/', false],
    ['https://smba.trafficmanager.net.evil.example/apis/', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ] as const) {
    it(`${url} → ${expected ? 'allowed' : 'refused'}`, () => {
      expect(serviceUrlAllowed(url, allow)).to.equal(expected);
    });
  }

  describe('over HTTP', function () {
    this.timeout(30_000);
    let kefu: RunningKefu;
    let allowed: ConnectorStub;
    let other: ConnectorStub;
    let allowedUrl: string;
    let otherUrl: string;
    before(async () => {
      allowed = new ConnectorStub();
      other = new ConnectorStub();
      allowedUrl = await allowed.start();
      otherUrl = await other.start();
      kefu = await startKefu({ SERVICE_URL_ALLOWLIST: allowedUrl });
    });
    after(async () => {
      await kefu.close();
      await allowed.close();
      await other.close();
    });

    it('a serviceUrl smuggling another port through userinfo is refused with 403 and nothing is POSTed or stored there', async () => {
      const port = new URL(otherUrl).port;
      const sneaky = allowedUrl.replace(/\/$/, '') + `@127.0.0.1:${port}/`;
      const c = new BotClient(kefu.url);
      const res = await c.post(c.activity('message', { text: '怎么开发票', serviceUrl: sneaky, deliveryMode: undefined }));
      expect(res.status).to.equal(403);
      await new Promise((r) => setTimeout(r, 200));
      expect(other.received).to.have.length(0);
      expect(await kefu.kefu.store.reference(c.conversationId)).to.equal(undefined);
    });

    it('the allowed connector still gets its replies', async () => {
      const c = new BotClient(kefu.url);
      const res = await c.post(c.activity('message', { text: '怎么开发票', serviceUrl: allowedUrl, deliveryMode: undefined }));
      expect(res.status).to.be.within(200, 202);
      await allowed.waitFor(1);
    });
  });
});
