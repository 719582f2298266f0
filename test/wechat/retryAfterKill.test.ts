import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { wechatSignature } from '../../bot/wechat/crypto';
import { parseWeChatXml } from '../../bot/wechat/xml';
import { startKefuProcess, type KefuProcess } from '../../testkit/kefuProcess';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';
import { WeChatApiStub } from '../../testkit/wechatStub';

const TOKEN = 'kefutoken';
const now = () => String(Math.floor(Date.now() / 1000));
let seq = 0;
const msgId = () => String(7_100_000_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(seq++));
const textXml = (from: string, content: string, id = msgId()) =>
  `<xml><ToUserName><![CDATA[gh_kefu]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${id}</MsgId></xml>`;

/** Faults finding 4: WeChat's retry of a push whose instance died is answered, not dropped as a duplicate. */
describe('WeChat answers survive the death of the instance answering them', function () {
  this.timeout(90_000);

  it('A dies mid-turn on six pushes; WeChat retries them on B: all six answered, each customer message handled', async () => {
    const redis = await testRedis();
    const stub = new WeChatApiStub();
    const apiBase = await stub.start();
    // The order API hangs on its first calls (A's), then answers at once (B's).
    let calls = 0;
    const api = express();
    api.get('/orders/:id', (_req, res) => {
      calls += 1;
      if (calls <= 6) return void setTimeout(() => res.status(404).end(), 20_000);
      res.status(404).end();
    });
    const orders: Server = await new Promise((resolve) => {
      const s = api.listen(0, '127.0.0.1', () => resolve(s));
    });
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: uniqueNamespace('wxkill'),
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: 'wxkefu00000001',
      WECHAT_APPSECRET: 'app-secret',
      WECHAT_API_BASE: apiBase,
      ORDER_SERVICE_URL: `http://127.0.0.1:${(orders.address() as AddressInfo).port}/`,
      ORDER_SERVICE_TIMEOUT_MS: '30000',
    };
    const [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
    const push = (on: KefuProcess, xml: string) => {
      const ts = now();
      const nonce = String(Math.floor(Math.random() * 1e9));
      const q = new URLSearchParams({ timestamp: ts, nonce, signature: wechatSignature(TOKEN, ts, nonce), openid: 'x' });
      return fetch(`${on.url}/channels/wechat?${q.toString()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }).then(
        async (r) => ({ status: r.status, text: await r.text() }),
        () => ({ status: 0, text: 'connection lost' }),
      );
    };
    try {
      const users = Array.from({ length: 6 }, (_, i) => `oUser-kill-${String(i)}`);
      for (const u of users) expect((await push(a, textXml(u, '查物流 KF202611220001'))).text).to.contain('后四位');
      const retried = users.map((u) => textXml(u, '1234'));
      const first = retried.map((xml) => push(a, xml));
      await new Promise((r) => setTimeout(r, 500));
      await a.kill('SIGKILL');
      expect((await Promise.all(first)).map((r) => r.text)).to.deep.equal(users.map(() => 'connection lost'));
      // WeChat retries 5 s after a push it got no answer to — here, on the surviving instance.
      await new Promise((r) => setTimeout(r, 5000));
      const answers = await Promise.all(retried.map((xml) => push(b, xml)));
      for (const [i, u] of users.entries()) {
        const passive = answers[i].text === 'success' ? undefined : parseWeChatXml(answers[i].text).Content;
        const viaApi = stub.sent.filter((m) => m.body.touser === u);
        expect(passive ?? viaApi.length, `${u}: ${JSON.stringify(answers[i])}`).to.not.equal(0);
      }
    } finally {
      await Promise.all([a.kill(), b.kill()]);
      await stub.close();
      orders.closeAllConnections();
      await new Promise((r) => orders.close(r));
    }
  });
});
