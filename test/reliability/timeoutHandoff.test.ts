import { expect } from 'chai';
import { parseEnv } from '../../bot/config';
import { createOrderService } from '../../bot/orderServiceFactory';
import type { Order, OrderService, ServiceRequest, ServiceRequestKind } from '../../orders/orderService';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** The demo orders behind a dial: how slow the order service is right now. */
class SlowOrders implements OrderService {
  delayMs = 0;
  private readonly inner = createOrderService(parseEnv({}), new Date());

  async findOrder(id: string): Promise<Order | undefined> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.findOrder(id);
  }

  async customerOrders(customerId: string, limit: number): Promise<Order[]> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.customerOrders(customerId, limit);
  }

  submitRequest(id: string, kind: ServiceRequestKind): Promise<ServiceRequest> {
    return this.inner.submitRequest(id, kind);
  }
}

/** Faults finding 2: the timeout handoff routes around the slow thing instead of waiting for it. */
describe('the timeout handoff never waits on the order service, and the late answer is dropped', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let stub: ConnectorStub;
  let serviceUrl: string;
  const orders = new SlowOrders();

  before(async () => {
    stub = new ConnectorStub();
    serviceUrl = await stub.start();
    kefu = await startKefu({ HANDOFF_TIMEOUT_MS: '1000', HANDOFF_POLL_MS: '25', AGENTS_FILE: 'test/fixtures/agents.test.json' }, { orders });
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  it('a verified customer asks while the order service takes 4 s: "transferring you" at the deadline, not after; the bot\'s late answer never arrives', async () => {
    const c = new BotClient(kefu.url);
    expect(await c.say('查物流 KF202611220001')).to.contain('后四位');
    expect(await c.say('1234')).to.contain('KF202611220001');
    orders.delayMs = 4000;
    const sent = Date.now();
    void c.post(c.activity('message', { text: '订单 KF202611220001 现在到哪了', serviceUrl, deliveryMode: undefined }));
    const mine = () => stub.received.filter((r) => r.conversationId === c.conversationId).map((r) => r.body.text ?? '');
    while (!mine().some((t) => t.includes('系统处理较慢')) && Date.now() - sent < 4000) await new Promise((r) => setTimeout(r, 20));
    const heardAfter = Date.now() - sent;
    expect(
      mine().some((t) => t.includes('系统处理较慢')),
      `told at the deadline: ${JSON.stringify(mine())} ${kefu.logs.join('\n')}`,
    ).to.equal(true);
    expect(heardAfter, 'not after the order service answered').to.be.below(3000);
    const h = await kefu.kefu.store.openFor(c.conversationId);
    expect(h?.reasons).to.deep.equal(['timeout']);
    // The order service answers at 4 s: the bot's answer is late and dropped; the packet gets the order's details.
    await new Promise((r) => setTimeout(r, 4000));
    expect(
      mine().filter((t) => t.includes('配送')),
      JSON.stringify(mine()),
    ).to.deep.equal([]);
    const later = await kefu.kefu.store.openFor(c.conversationId);
    expect(later?.packet.orders[0]).to.include({ id: 'KF202611220001', verified: true, status: 'delivering' });
  });
});
