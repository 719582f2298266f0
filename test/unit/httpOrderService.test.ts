import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { HttpOrderService } from '../../orders/httpOrderService';
import { OrderServiceUnavailableError } from '../../orders/orderService';

const ORDER = {
  id: 'KF202611220001',
  customerId: 'u1',
  phone: '13812341234',
  status: 'delivering',
  category: 'food',
  merchant: 'M',
  items: [{ name: 'noodles', quantity: 1, price: 20 }],
  amount: 20,
  currency: 'CNY',
  createdAt: '2026-11-22T01:00:00Z',
  address: 'A',
};

describe('HttpOrderService against a real HTTP order API', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; auth?: string; body?: unknown }> = [];

  before(async () => {
    const app = express();
    app.use(express.json());
    app.get('/api/orders/:id', (req, res) => {
      seen.push({ path: req.path, auth: req.header('authorization') });
      switch (req.params.id) {
        case 'KF202611220001':
          return void res.json(ORDER);
        case 'KF000000000001':
          return void res.json({ ...ORDER, id: 'KF000000000001', status: 'teleported' });
        case 'KF000000000002':
          return void setTimeout(() => res.json(ORDER), 500);
        case 'KF000000000003':
          return void res.status(500).send('boom');
        case 'KF000000000004':
          return void res.type('json').send('{not json');
        case 'KF000000000005':
          return void res.json(ORDER); // answers about a different order
        default:
          return void res.status(404).json({});
      }
    });
    app.get('/api/customers/:id/orders', (req, res) => {
      seen.push({ path: req.path, auth: req.header('authorization') });
      const older = { ...ORDER, id: 'KF202611210009', createdAt: '2026-11-21T01:00:00Z' };
      switch (req.params.id) {
        case 'u1':
          return void res.json({ orders: [older, ORDER] });
        case 'leaky':
          return void res.json({ orders: [{ ...ORDER, customerId: 'leaky' }, ORDER] }); // lists u1's order too
        case 'flood':
          return void res.json({ orders: Array.from({ length: 51 }, () => ({ ...ORDER, customerId: 'flood' })) });
        default:
          return void res.status(404).json({});
      }
    });
    app.post('/api/orders/:id/requests', (req, res) => {
      seen.push({ path: req.path, body: req.body });
      res.status(201).json({ id: 'R1', orderId: req.params.id, kind: (req.body as { kind: string }).kind, createdAt: '2026-11-22T02:00:00Z' });
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const service = () => new HttpOrderService({ baseUrl: base, timeoutMs: 200, token: 'svc-token' });
  const unavailable = async (id: string) => {
    let err: unknown;
    await service()
      .findOrder(id)
      .catch((e: unknown) => {
        err = e;
      });
    return err;
  };

  it('returns a validated order and sends the bearer token', async () => {
    expect(await service().findOrder('KF202611220001')).to.deep.equal(ORDER);
    expect(seen.find((s) => s.path === '/api/orders/KF202611220001')?.auth).to.equal('Bearer svc-token');
  });
  it("lists a customer's orders newest first, at most the limit asked", async () => {
    const orders = await service().customerOrders('u1', 4);
    expect(orders.map((o) => o.id)).to.deep.equal(['KF202611220001', 'KF202611210009']);
    expect((await service().customerOrders('u1', 1)).map((o) => o.id)).to.deep.equal(['KF202611220001']);
    expect(await service().customerOrders('nobody', 4)).to.deep.equal([]);
  });
  for (const [name, customer] of [
    ["a list holding another customer's order", 'leaky'],
    ['a list past 50 orders', 'flood'],
  ] as const) {
    it(`refuses ${name} as unavailable`, async () => {
      let err: unknown;
      await service()
        .customerOrders(customer, 4)
        .catch((e: unknown) => {
          err = e;
        });
      expect(err).to.be.instanceOf(OrderServiceUnavailableError);
    });
  }
  it('returns undefined for 404', async () => {
    expect(await service().findOrder('KF999999999999')).to.equal(undefined);
  });
  for (const [name, id] of [
    ['an invalid order', 'KF000000000001'],
    ['a timeout', 'KF000000000002'],
    ['HTTP 500', 'KF000000000003'],
    ['malformed JSON', 'KF000000000004'],
    ['an answer about another order', 'KF000000000005'],
  ]) {
    it(`treats ${name} as unavailable`, async () => {
      expect(await unavailable(id)).to.be.instanceOf(OrderServiceUnavailableError);
    });
  }
  it('files a service request', async () => {
    const r = await service().submitRequest('KF202611220001', 'refund');
    expect(r).to.include({ id: 'R1', kind: 'refund', orderId: 'KF202611220001' });
    expect(seen.at(-1)?.body).to.deep.equal({ kind: 'refund' });
  });
  it('sends the reason the customer gave with the request', async () => {
    await service().submitRequest('KF202611220001', 'refund', { reason: '送错了' });
    expect(seen.at(-1)?.body).to.deep.equal({ kind: 'refund', reason: '送错了' });
  });
});
