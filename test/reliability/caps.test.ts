import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { HttpOrderService } from '../../orders/httpOrderService';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Faults finding 8: what comes from dependencies and clients is bounded. */
describe('bounded inputs from dependencies and clients', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let huge: Server;

  before(async () => {
    // An order API whose reply is 50 MB (streamed, no Content-Length).
    const api = express();
    api.get('/orders/:id', (_req, res) => {
      res.status(200).type('application/json');
      const chunk = 'x'.repeat(1024 * 1024);
      res.write('{"id":"KF202611220001","junk":"');
      let sent = 0;
      const more = () => {
        while (sent < 50) {
          sent += 1;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('"}');
      };
      more();
    });
    huge = await new Promise((resolve) => {
      const s = api.listen(0, '127.0.0.1', () => resolve(s));
    });
    const orders = new HttpOrderService({ baseUrl: `http://127.0.0.1:${(huge.address() as AddressInfo).port}/`, timeoutMs: 10_000 });
    kefu = await startKefu({}, { orders });
  });
  after(async () => {
    await kefu.close();
    huge.closeAllConnections();
    await new Promise((r) => huge.close(r));
  });

  it('a 50 MB order-service reply is refused, not buffered or sent: the customer hears the order system is busy', async () => {
    const c = new BotClient(kefu.url);
    await c.say('查物流 KF202611220001');
    const reply = await c.say('1234');
    expect(reply).to.contain('订单系统暂时繁忙');
    expect(reply.length).to.be.below(2000);
  });

  it('an activity nested 5,000 deep is a 400 invalid_body, not a 500', async () => {
    const c = new BotClient(kefu.url);
    // 5,000 levels written out as text (JSON.stringify itself would overflow): 30 KB, under MAX_BODY_BYTES.
    const deep = `${'{"d":'.repeat(5000)}"x"${'}'.repeat(5000)}`;
    const body = JSON.stringify(c.activity('message', { text: '你好', channelData: 'DEEP' })).replace('"DEEP"', deep);
    const res = await fetch(`${kefu.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('invalid_body');
    let shallowEnough: unknown = 'x';
    for (let i = 0; i < 200; i += 1) shallowEnough = [shallowEnough];
    const nested = await fetch(`${kefu.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(c.activity('message', { text: '你好', channelData: shallowEnough })),
    });
    expect(nested.status).to.equal(400);
    expect(((await nested.json()) as { error: { code: string; message: string } }).error).to.deep.include({ code: 'invalid_body' });
  });
});
