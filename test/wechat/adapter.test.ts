import { expect } from 'chai';
import type { Order, OrderService, ServiceRequest } from '../../orders/orderService';
import { WeChatCrypto, wechatSignature } from '../../bot/wechat/crypto';
import { parseWeChatXml } from '../../bot/wechat/xml';
import { AgentClient } from '../../testkit/agentClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { WeChatApiStub } from '../../testkit/wechatStub';

/** The agent API's error envelope; a channel's refusal carries the channel's own code as channelCode. */
interface ErrorBody {
  error: { code: string; message: string; channelCode?: string };
}

/** The agent's open handoff for a WeChat user. */
async function handoffFor(agent: AgentClient, user: string): Promise<{ id: string }> {
  const { items } = (await agent.call('GET', '/handoffs')).body as { items: Array<{ id: string; conversationId: string }> };
  const h = items.find((x) => x.conversationId === `wechat:${user}`);
  if (!h) throw new Error(`no open handoff for wechat:${user}`);
  return h;
}

const TOKEN = 'kefutoken';
const APPID = 'wxkefu00000001';
const AES = 'K'.repeat(10) + 'abcdefghijklmnopqrstuvwxyz0123456';
const GH = 'gh_kefu';

const now = () => String(Math.floor(Date.now() / 1000));
let seq = 0;
const msgId = () => String(7_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(seq++));

/** XML exactly as WeChat pushes it. */
const textXml = (from: string, content: string, id = msgId()) =>
  `<xml><ToUserName><![CDATA[${GH}]]></ToUserName>\n<FromUserName><![CDATA[${from}]]></FromUserName>\n<CreateTime>${now()}</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[${content}]]></Content>\n<MsgId>${id}</MsgId>\n</xml>`;
const eventXml = (from: string, event: string, key = '') =>
  `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${key ? `<EventKey><![CDATA[${key}]]></EventKey>` : ''}</xml>`;

describe('WeChat Official Account adapter over real HTTP', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let stub: WeChatApiStub;
  const slow = { ms: 0 };

  before(async () => {
    stub = new WeChatApiStub();
    const base = await stub.start();
    const demo = {
      findOrder: async (id: string): Promise<Order | undefined> => {
        await new Promise((r) => setTimeout(r, slow.ms));
        return id === 'KF202611220001'
          ? ({
              id,
              customerId: 'u1001',
              phone: '13812341234',
              status: 'delivering',
              category: 'food',
              merchant: '老王麻辣烫',
              items: [{ name: 'x', quantity: 1, price: 1 }],
              amount: 58.5,
              currency: 'CNY',
              createdAt: new Date().toISOString(),
              eta: new Date(Date.now() + 20 * 60_000).toISOString(),
              address: 'A',
            } satisfies Order)
          : undefined;
      },
      customerOrders: async (): Promise<Order[]> => [],
      submitRequest: async (): Promise<ServiceRequest> => {
        throw new Error('unused');
      },
    } satisfies OrderService;
    kefu = await startKefu(
      {
        WECHAT_TOKEN: TOKEN,
        WECHAT_APPID: APPID,
        WECHAT_APPSECRET: 'app-secret',
        WECHAT_ENCODING_AES_KEY: AES,
        WECHAT_API_BASE: base,
        WECHAT_REPLY_MARGIN_MS: '1500',
        AGENTS_FILE: 'test/fixtures/agents.test.json',
      },
      { orders: demo },
    );
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });
  beforeEach(() => {
    slow.ms = 0;
    stub.failNext = [];
  });

  const signed = (extra: Record<string, string> = {}, ts = now()) => {
    const nonce = String(Math.floor(Math.random() * 1e9));
    return new URLSearchParams({ timestamp: ts, nonce, signature: wechatSignature(TOKEN, ts, nonce), openid: 'x', ...extra });
  };
  const post = async (xml: string, query = signed()) => {
    const res = await fetch(`${kefu.url}/channels/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    return { status: res.status, text: await res.text() };
  };
  const reply = async (xml: string) => {
    const r = await post(xml);
    expect(r.status).to.equal(200);
    return r.text === 'success' ? '' : parseWeChatXml(r.text).Content;
  };

  it('URL verification echoes echostr only for a good, fresh signature', async () => {
    const ok = await fetch(`${kefu.url}/channels/wechat?${signed({ echostr: 'e123' })}`);
    expect(await ok.text()).to.equal('e123');
    const bad = signed({ echostr: 'e123' });
    bad.set('signature', 'f'.repeat(40));
    expect((await fetch(`${kefu.url}/channels/wechat?${bad}`)).status).to.equal(403);
    expect((await fetch(`${kefu.url}/channels/wechat?${signed({ echostr: 'e' }, String(Math.floor(Date.now() / 1000) - 3600))}`)).status).to.equal(403);
  });

  it('greets on subscribe with the FAQ menu, answers FAQs, menu clicks and voice', async () => {
    const user = 'oUser-faq';
    const hello = await reply(eventXml(user, 'subscribe'));
    expect(hello).to.contain('您好，感谢联系').and.to.contain('回复：查询订单 / 退款进度');
    expect(await reply(textXml(user, '怎么开发票'))).to.contain('申请开票');
    expect(await reply(eventXml(user, 'CLICK', 'COUPON'))).to.contain('优惠券');
    const voice = `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[发票怎么开]]></Recognition><MsgId>${msgId()}</MsgId></xml>`;
    expect(await reply(voice)).to.contain('申请开票');
    expect(await reply(eventXml(user, 'unsubscribe'))).to.equal('');
  });

  it('a high-risk message is answered in the passive reply (the handoff gate speaks before the bot: its words still reach WeChat)', async () => {
    const answer = await reply(textXml('oUser-risk', '外卖里吃出了虫子，吃完一直拉肚子'));
    expect(answer).to.contain('食品安全');
    expect(await kefu.kefu.store.openFor('wechat:oUser-risk')).to.include({ priority: 'urgent' });
  });

  it('encrypted mode: verifies msg_signature, decrypts, and answers with an encrypted, signed reply', async () => {
    const crypto = new WeChatCrypto([AES], APPID);
    const encrypt = crypto.encrypt(textXml('oUser-enc', '你好'));
    const q = signed({ encrypt_type: 'aes' });
    q.set('msg_signature', wechatSignature(TOKEN, q.get('timestamp') as string, q.get('nonce') as string, encrypt));
    const r = await post(`<xml><ToUserName><![CDATA[${GH}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, q);
    expect(r.status).to.equal(200);
    const env = parseWeChatXml(r.text);
    expect(env.MsgSignature).to.equal(wechatSignature(TOKEN, env.TimeStamp ?? '', env.Nonce ?? '', env.Encrypt ?? ''));
    const inner = parseWeChatXml(crypto.decrypt(env.Encrypt ?? ''));
    expect(inner).to.include({ ToUserName: 'oUser-enc', FromUserName: GH, MsgType: 'text' });
    expect(inner.Content).to.contain('您好');
    const forged = signed({ encrypt_type: 'aes', msg_signature: 'a'.repeat(40) });
    expect((await post(`<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, forged)).status).to.equal(403);
  });

  it('refuses bad and stale signatures, and hostile or broken XML, and keeps serving', async () => {
    const bad = signed();
    bad.set('signature', '0'.repeat(40));
    expect((await post(textXml('oUser-x', 'hi'), bad)).status).to.equal(403);
    expect((await post(textXml('oUser-x', 'hi'), signed({}, '1409735669'))).status).to.equal(403);
    expect((await post('<!DOCTYPE xml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><Content>&b;</Content></xml>')).status).to.equal(400);
    expect((await post('<xml><ToUserName><![CDATA[gh')).status).to.equal(400);
    expect((await post(`<xml><Content>${'x'.repeat(80_000)}</Content></xml>`)).status).to.equal(413);
    expect((await post('<xml><MsgType>text</MsgType></xml>')).status).to.equal(400);
    expect(await reply(textXml('oUser-x', '怎么开发票'))).to.contain('申请开票');
  });

  it('a captured signed query reused with another body is refused; unknown message types are acknowledged', async () => {
    const q = signed();
    expect((await post(textXml('oUser-replay', '怎么开发票'), q)).status).to.equal(200);
    expect((await post(textXml('oUser-victim', '转人工'), q)).status).to.equal(403);
    const odd = `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[oUser-x]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>${msgId()}</MsgId></xml>`;
    expect(await post(odd)).to.deep.equal({ status: 200, text: 'success' });
  });

  it('a retried MsgId is processed once; each retry gets the same remembered answer (WeChat shows the reply it received)', async () => {
    const id = msgId();
    const xml = textXml('oUser-retry', '怎么开发票', id);
    const answers = [await post(xml), await post(xml), await post(xml)];
    expect(answers.filter((a) => a.text.includes('申请开票'))).to.have.length(3);
    const transcript = await kefu.kefu.store.transcript('wechat:oUser-retry');
    expect(transcript.filter((e) => e.speaker === 'customer')).to.have.length(1);
    // Operators see the retries WeChat made and how they were absorbed.
    const metrics = await (await fetch(`${kefu.url}/metrics`)).text();
    expect(metrics).to.match(/kefu_wechat_retries_total\{kind="wechat",outcome="answered"\} [2-9]/);
  });

  it('two pushes from one user at once: each passive reply answers its own message', async () => {
    const user = 'oUser-twice';
    expect(await reply(textXml(user, '查一下订单 KF202611220001'))).to.contain('后四位');
    slow.ms = 400; // the order lookup keeps the first turn running when the second message arrives
    const first = reply(textXml(user, '1234'));
    await new Promise((r) => setTimeout(r, 100));
    const [order, coupon] = await Promise.all([first, reply(textXml(user, '优惠券用不了'))]);
    expect(order, 'the first push is answered in its own reply').to.contain('老王麻辣烫');
    expect(order).to.not.contain('优惠券');
    expect(coupon).to.contain('优惠券');
    expect(coupon).to.not.contain('老王麻辣烫');
    expect(
      stub.sent.filter((m) => m.body.touser === user),
      'nothing spilled into the message API',
    ).to.deep.equal([]);
  });

  it('an answer slower than the margin: "success" at once, the answer later through the message API, once', async () => {
    const user = 'oUser-slow';
    await reply(textXml(user, '查物流 KF202611220001'));
    slow.ms = 2500;
    const before = stub.sent.length;
    const started = Date.now();
    const r = await post(textXml(user, '1234'));
    expect(r.text).to.equal('success');
    expect(Date.now() - started).to.be.lessThan(2500);
    await stub.waitForSent(before + 1, 8000);
    await new Promise((res) => setTimeout(res, 500));
    const mine = stub.sent.slice(before).filter((m) => m.body.touser === user);
    expect(mine).to.have.length(1);
    expect(mine[0].body.text.content).to.contain('配送中');
    expect(mine[0].path).to.equal('/cgi-bin/message/custom/send');
  });

  it("handoff over WeChat: the agent's replies and the survey arrive through the message API; 40001 refreshes the token once", async () => {
    const user = 'oUser-handoff';
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    expect(await reply(textXml(user, '转人工'))).to.contain('已为您接通人工客服 Alice');
    const h = await handoffFor(alice, user);
    expect(await reply(textXml(user, '我的订单有问题'))).to.equal(''); // the bot stays silent
    const tokensBefore = stub.tokenCalls;
    stub.failNext = [40001];
    const before = stub.sent.length;
    expect((await alice.call('POST', `/handoffs/${h.id}/messages`, { text: '您好，我是 Alice' })).status).to.equal(202);
    expect(stub.sent.slice(before).map((m) => [m.body.touser, m.body.text.content])).to.deep.include([user, '您好，我是 Alice']);
    expect(stub.tokenCalls).to.equal(tokensBefore + 1);
    await alice.call('POST', `/handoffs/${h.id}/close`, { resolution: 'done' });
    await stub.waitForSent(before + 3);
    expect(
      stub.sent
        .slice(before)
        .map((m) => m.body.text.content)
        .join('\n'),
    ).to.contain('请为本次服务打分');
  });

  it('a quota error is surfaced to the agent; a user silent past 48 hours gets a callback ticket instead', async () => {
    const user = 'oUser-quota';
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    await alice.listen();
    await reply(textXml(user, '转人工'));
    const h = await handoffFor(alice, user);
    stub.failNext = [45047];
    const quota = await alice.call('POST', `/handoffs/${h.id}/messages`, { text: '在吗' });
    expect(quota.status).to.equal(409);
    const quotaError = (quota.body as ErrorBody).error;
    expect(quotaError.code).to.equal('customer_unreachable');
    expect(quotaError.channelCode).to.equal('45047');
    expect(quotaError.message).to.be.a('string').and.contain('cannot be reached');
    await alice.waitFor((e) => e.type === 'delivery.failed' && e.conversationId === `wechat:${user}`);
    await kefu.kefu.kv.del(`wechat:last:${user}`); // as if 48 hours had passed
    const late = await alice.call('POST', `/handoffs/${h.id}/messages`, { text: '在吗' });
    expect(late.status).to.equal(409);
    const lateError = (late.body as ErrorBody).error;
    expect(lateError.code).to.equal('customer_unreachable');
    expect(lateError.channelCode).to.equal('outside_48h_window');
    expect(lateError.message).to.contain('48 hours');
    expect((await kefu.kefu.store.get(h.id))?.status).to.equal('callback');
    // After calling the customer back, any agent closes the ticket; the customer cannot be told, and that is reported.
    const bob = new AgentClient(kefu.url, 'test-token-bob');
    const closed = await bob.call('POST', `/handoffs/${h.id}/close`, { resolution: '已电话回访' });
    expect(closed.status).to.equal(200);
    expect((closed.body as { customerNotified: boolean }).customerNotified).to.equal(false);
    alice.stop();
  });
});

describe('published vectors over HTTP (replay window off)', function () {
  this.timeout(20_000);
  let kefu: RunningKefu;
  let stub: WeChatApiStub;
  before(async () => {
    stub = new WeChatApiStub();
    const base = await stub.start();
    kefu = await startKefu({
      // Vector C (Tencent's official Python sample) and W (WeCom's official C++ sample, doc 90968).
      WECHAT_TOKEN: 'spamtest',
      WECHAT_APPID: 'wx2c2769f8efd9abc2',
      WECHAT_APPSECRET: 's',
      WECHAT_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      WECOM_TOKEN: 'QDG6eK',
      WECOM_CORPID: 'wx5823bf96d3bd56c7',
      WECOM_AGENTID: '218',
      WECOM_SECRET: 's',
      WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      WECHAT_API_BASE: base,
      WECHAT_REPLAY_WINDOW_S: '0',
    });
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  it('vector C is accepted as an encrypted push and answered encrypted for the same appid', async () => {
    const encrypt =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    const q = new URLSearchParams({
      timestamp: '1409735669',
      nonce: '1320562132',
      signature: wechatSignature('spamtest', '1409735669', '1320562132'),
      encrypt_type: 'aes',
      msg_signature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
    });
    const res = await fetch(`${kefu.url}/channels/wechat?${q}`, {
      method: 'POST',
      body: `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
    expect(res.status).to.equal(200);
    const text = await res.text();
    if (text !== 'success') {
      const inner = new WeChatCrypto(['abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'], 'wx2c2769f8efd9abc2').decrypt(parseWeChatXml(text).Encrypt ?? '');
      expect(parseWeChatXml(inner).ToUserName).to.equal('oyORnuP8q7ou2gfYjqLzSIWZf0rs');
    }
  });

  it('WeCom: vector W URL verification returns the decrypted echostr; the W message is answered encrypted for the corpid', async () => {
    const v = new URLSearchParams({
      msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
      timestamp: '1409659589',
      nonce: '263014780',
      echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    });
    const echo = await fetch(`${kefu.url}/channels/wecom?${v}`);
    expect(await echo.text()).to.equal('1616140317555161061');
    const encrypt =
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
    const q = new URLSearchParams({ msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' });
    const res = await fetch(`${kefu.url}/channels/wecom?${q}`, {
      method: 'POST',
      body: `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`,
    });
    expect(res.status).to.equal(200);
    const env = parseWeChatXml(await res.text());
    const inner = parseWeChatXml(new WeChatCrypto(['jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'], 'wx5823bf96d3bd56c7').decrypt(env.Encrypt ?? ''));
    expect(inner.ToUserName).to.equal('mycreate');
    expect(inner.Content).to.match(/Hello/);
    const wrongSig = new URLSearchParams({ ...Object.fromEntries(q), msg_signature: '0'.repeat(40) });
    // Hand the WeCom user to an agent: the agent's reply goes out through WeCom's application message API.
    const wecom = new WeChatCrypto(['jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'], 'wx5823bf96d3bd56c7');
    const ask = wecom.encrypt(
      `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1409659900</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[转人工]]></Content><MsgId>4561255354251345999</MsgId><AgentID>218</AgentID></xml>`,
    );
    const aq = new URLSearchParams({ timestamp: '1409659900', nonce: '42', msg_signature: wechatSignature('QDG6eK', '1409659900', '42', ask) });
    expect((await fetch(`${kefu.url}/channels/wecom?${aq}`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${ask}]]></Encrypt></xml>` })).status).to.equal(
      200,
    );
    const h = await kefu.kefu.store.openFor('wecom:zhangsan');
    const sue = new AgentClient(kefu.url, 'demo-token-carol');
    expect((await sue.call('POST', `/handoffs/${h?.id}/claim`)).status).to.equal(200);
    await stub.waitForSent(1);
    expect(stub.sent[0]).to.deep.include({ path: '/cgi-bin/message/send' });
    expect(stub.sent[0].body).to.deep.include({ touser: 'zhangsan', msgtype: 'text', agentid: 218 });
    expect(
      (await fetch(`${kefu.url}/channels/wecom?${wrongSig}`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` })).status,
    ).to.equal(403);
  });
});
