import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { BotClient } from '../../testkit/botClient';
import { startKefuProcess, type KefuProcess } from '../../testkit/kefuProcess';

/** Faults finding 6: SIGTERM drains — running turns finish, new work is refused, event streams close, the process exits. */
describe('graceful shutdown on SIGTERM', function () {
  this.timeout(60_000);
  let kefu: KefuProcess;
  let slowOrders: Server;

  before(async () => {
    const api = express();
    api.get('/orders/:id', (_req, res) => void setTimeout(() => res.status(404).end(), 2000));
    slowOrders = await new Promise((resolve) => {
      const s = api.listen(0, '127.0.0.1', () => resolve(s));
    });
    kefu = await startKefuProcess({
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      ORDER_SERVICE_URL: `http://127.0.0.1:${(slowOrders.address() as AddressInfo).port}/`,
      SHUTDOWN_GRACE_MS: '8000',
    });
  });
  after(async () => {
    await kefu.kill('SIGKILL');
    await new Promise((r) => slowOrders.close(r));
  });

  it('with a console stream open and a turn running: the turn is answered, new requests get 503 + Retry-After + Connection: close, the stream ends, the process exits', async () => {
    // An agent console's event stream is open.
    const stream = await fetch(`${kefu.url}/agent/v1/events`, { headers: { authorization: 'Bearer test-token-alice' } });
    expect(stream.status).to.equal(200);
    const streamText = stream.text();
    // A turn that waits 2 s on the order service is running.
    const c = new BotClient(kefu.url);
    expect(await c.say('查物流 KF202611220001')).to.contain('后四位');
    const running = c.post(c.activity('message', { text: '1234' }));
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => kefu.child.once('exit', (code) => resolve(code)));
    kefu.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // Draining: readiness says so, and new work is turned away with a hint to go elsewhere.
    const ready = await fetch(`${kefu.url}/readyz`);
    expect(ready.status).to.equal(503);
    const refused = await fetch(`${kefu.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(new BotClient(kefu.url).activity('message', { text: '你好' })),
    });
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('5');
    expect(refused.headers.get('connection')).to.equal('close');
    // The turn that was running is answered, not cut.
    const answered = await running;
    expect(answered.status).to.equal(200);
    expect(answered.activities.filter((a) => a.type === 'message' && a.text)).to.have.length.at.least(1);
    // The console's stream ended with a reconnect hint, and the process exited cleanly.
    expect(await streamText).to.contain('retry: 2000');
    const code = await exited;
    expect(code, kefu.output.join('')).to.equal(0);
  });
});
