import { expect } from 'chai';
import { HttpOrderService } from '../../orders/httpOrderService';
import type { Order, OrderService, ServiceRequest } from '../../orders/orderService';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

class BrokenOrderService implements OrderService {
  async findOrder(): Promise<Order | undefined> {
    throw new Error('a bug in the order adapter');
  }
  async customerOrders(): Promise<Order[]> {
    throw new Error('a bug in the order adapter');
  }
  async submitRequest(): Promise<ServiceRequest> {
    throw new Error('unreachable');
  }
}

describe('when the order back end fails', function () {
  it('an unreachable order API gets a clear "busy" reply and an offer of a person', async function () {
    this.timeout(60_000);
    const kefu: RunningKefu = await startKefu({}, { orders: new HttpOrderService({ baseUrl: 'http://127.0.0.1:9/', timeoutMs: 300 }) });
    try {
      const c = new BotClient(kefu.url);
      await c.say('查物流 KF202611220001');
      expect(await c.say('1234')).to.contain('订单系统暂时繁忙');
    } finally {
      await kefu.close();
    }
  });

  it('an unexpected error apologises, offers a person, and the conversation starts clean', async function () {
    this.timeout(60_000);
    const kefu: RunningKefu = await startKefu({}, { orders: new BrokenOrderService() });
    try {
      const c = new BotClient(kefu.url);
      await c.say('查物流 KF202611220001');
      const replies = await c.sayFull('1234');
      expect(replies[0].text).to.contain('消息没有丢失');
      expect(replies[0].text).not.to.contain('a bug in the order adapter');
      expect(replies[0].suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['转人工']);
      expect(kefu.logs.join()).to.contain('a bug in the order adapter');
      // The broken dialog was dropped: the next message is routed afresh.
      expect(await c.say('怎么开发票')).to.contain('申请开票');
    } finally {
      await kefu.close();
    }
  });
});
