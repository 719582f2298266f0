import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../kernel/paths';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Security finding 9 over HTTP: the filter cannot be dodged, and it does not withhold true answers. */
describe('compliance over HTTP', function () {
  this.timeout(60_000);
  let kefu: RunningKefu;
  before(async () => {
    // The demo orders, with one merchant whose name is an "absolute claim".
    const orders = JSON.parse(readFileSync(fromRoot('bot/data/demo-orders.json'), 'utf8')) as { orders: Array<Record<string, unknown>> };
    orders.orders = orders.orders.map((o) => (o.id === 'KF202611220006' ? { ...o, merchant: '最佳烧烤' } : o));
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-orders-')), 'orders.json');
    writeFileSync(file, JSON.stringify(orders));
    kefu = await startKefu({ DEMO_ORDERS_FILE: file, AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(() => kefu.close());

  it('a verified answer naming a merchant called 最佳烧烤 is sent, not withheld', async () => {
    const c = new BotClient(kefu.url);
    await c.say('查订单 KF202611220006');
    const reply = await c.say('1234');
    expect(reply).to.contain('最佳烧烤').and.to.contain('KF202611220006');
    expect(reply).not.to.contain('没能发出');
  });

  it("an agent's dodged drafts are refused (422) and a clean one is sent", async () => {
    const channel = new ConnectorStub();
    const serviceUrl = await channel.start();
    const c = new BotClient(kefu.url);
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    await c.say('转人工', { serviceUrl });
    const h = await kefu.kefu.store.openFor(c.conversationId);
    for (const draft of ['这不是我们 的责任', '請提供一下驗證碼', 'DM me your one time password']) {
      expect((await alice.call('POST', `/handoffs/${h?.id ?? ''}/messages`, { text: draft })).status, draft).to.equal(422);
    }
    expect((await alice.call('POST', `/handoffs/${h?.id ?? ''}/messages`, { text: '您好，我来帮您看一下' })).status).to.equal(202);
    expect(channel.received.some((r) => r.body.text === '您好，我来帮您看一下')).to.equal(true);
    expect(channel.received.some((r) => /责任|驗證碼|验证码|password/.test(r.body.text ?? ''))).to.equal(false);
    await alice.call('POST', `/handoffs/${h?.id ?? ''}/close`, { resolution: 'test' });
    await alice.call('PUT', '/presence', { status: 'offline' });
    await channel.close();
  });

  it('a reply to a customer whose channel does not answer tells the agent so (409 customer_unreachable), not 500', async () => {
    const c = new BotClient(kefu.url); // its serviceUrl is a closed port
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    await c.say('转人工');
    const h = await kefu.kefu.store.openFor(c.conversationId);
    const sent = await alice.call('POST', `/handoffs/${h?.id ?? ''}/messages`, { text: '您好，我来帮您看一下' });
    expect(sent.status).to.equal(409);
    expect((sent.body as { error: { code: string } }).error.code).to.equal('customer_unreachable');
    await alice.call('POST', `/handoffs/${h?.id ?? ''}/close`, { resolution: 'test' });
    await alice.call('PUT', '/presence', { status: 'offline' });
  });
});
