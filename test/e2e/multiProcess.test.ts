import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { RedisHandoffStore } from '../../infra/redis/handoffStore';
import { createRedis, type RedisTarget } from '../../infra/redis/connection';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefuProcess, type KefuProcess } from '../../testkit/kefuProcess';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

/** An order API that answers 404 after `ms`: the instance that asks is busy (or dead) before it answers. */
function slowOrderApi(ms: number): Promise<Server> {
  const api = express();
  api.get('/orders/:id', (_req, res) => void setTimeout(() => res.status(404).end(), ms));
  return new Promise((resolve) => {
    const s = api.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** Where the two processes keep everything: one Redis, or a 3-master Redis Cluster. */
interface SharedBackend {
  env: Record<string, string>;
  target: RedisTarget;
}

twoProcesses('one Redis', async () => {
  const redis = await testRedis();
  return { env: { REDIS_URL: redis.url }, target: { url: redis.url } };
});
twoProcesses('a 3-master Redis Cluster', async () => {
  const cluster = await testRedisCluster();
  return { env: { REDIS_CLUSTER_NODES: cluster.env }, target: { clusterNodes: cluster.nodes } };
});

function twoProcesses(label: string, backend: () => Promise<SharedBackend>): void {
  describe(`two kefu processes on ${label}`, function () {
    this.timeout(90_000);
    let a: KefuProcess;
    let b: KefuProcess;
    let stub: ConnectorStub;
    let serviceUrl: string;
    let slowOrders: Server;
    let store: RedisHandoffStore;

    before(async () => {
      const shared = await backend();
      const namespace = uniqueNamespace('multi');
      stub = new ConnectorStub();
      serviceUrl = await stub.start();
      // An order API that takes 5 s: the instance that asks will be dead before it answers.
      slowOrders = await slowOrderApi(5000);
      const env = {
        ...shared.env,
        REDIS_NAMESPACE: namespace,
        AGENTS_FILE: 'test/fixtures/agents.test.json',
        ORDER_SERVICE_URL: `http://127.0.0.1:${(slowOrders.address() as AddressInfo).port}/`,
        ORDER_SERVICE_TIMEOUT_MS: '10000',
        HANDOFF_TIMEOUT_MS: '1000',
        HANDOFF_POLL_MS: '25',
      };
      [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
      store = new RedisHandoffStore(createRedis(shared.target), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
    });
    after(async () => {
      // Each is unset when before() failed ahead of it.
      await Promise.all([(a as KefuProcess | undefined)?.kill(), (b as KefuProcess | undefined)?.kill()]);
      await stub.close();
      await new Promise((r) => slowOrders.close(r));
      await (store as RedisHandoffStore | undefined)?.dispose();
    });

    it('many concurrent claims across both processes never give one customer to two agents (3 rounds)', async () => {
      const agents = Array.from({ length: 6 }, (_, i) => new AgentClient(i % 2 ? b.url : a.url, `test-token-load${i}`));
      for (let round = 0; round < 3; round += 1) {
        // 20 customers ask for a person, alternately through each process (nobody online: callback tickets).
        const customers = Array.from({ length: 20 }, (_, i) => new BotClient(i % 2 ? b.url : a.url));
        await Promise.all(customers.map((c) => c.say('转人工', { serviceUrl })));
        const ids = await Promise.all(customers.map(async (c) => (await store.openFor(c.conversationId))?.id as string));
        expect(ids.every(Boolean)).to.equal(true);
        // Every agent tries to claim every customer at once, half through each process.
        const attempts = await Promise.all(
          ids.flatMap((id) => agents.map(async (ag, n) => ({ id, n, status: (await ag.call('POST', `/handoffs/${id}/claim`)).status }))),
        );
        for (const id of ids) {
          const wins = attempts.filter((x) => x.id === id && x.status === 200);
          expect(wins, `handoff ${id}`).to.have.length(1);
          expect(attempts.filter((x) => x.id === id && x.status !== 200).every((x) => x.status === 409 || x.status === 403)).to.equal(true);
          const h = await store.get(id);
          expect(h?.status).to.equal('assigned');
          expect(h?.assignedTo).to.equal(`load${wins[0].n}`);
        }
        // Free the agents for the next round.
        await Promise.all(
          ids.map(async (id) => {
            const h = await store.get(id);
            const n = Number(h?.assignedTo?.replace('load', ''));
            expect((await agents[n].call('POST', `/handoffs/${id}/close`, { resolution: 'test' })).status).to.equal(200);
          }),
        );
        const loads = await store.loads();
        expect(Object.values(loads).every((v) => v === 0)).to.equal(true);
      }
    });

    it('a deadline armed on process A fires on process B after A is killed, exactly once', async () => {
      const c = new BotClient(a.url);
      expect(await c.say('查物流 KF202611220001', { serviceUrl })).to.contain('后四位');
      // This turn asks the slow order API; A is killed while it waits, before it can answer.
      const pending = c.say('1234', { serviceUrl }).catch(() => 'connection lost');
      await new Promise((r) => setTimeout(r, 200));
      await a.kill('SIGKILL');
      expect(await pending).to.equal('connection lost');
      const notices = () => stub.received.filter((r) => r.conversationId === c.conversationId && (r.body.text ?? '').includes('系统处理较慢'));
      const started = Date.now();
      while (notices().length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 25));
      expect(notices()).to.have.length(1);
      await new Promise((r) => setTimeout(r, 1500)); // would a second instance or a retry fire it again?
      expect(notices()).to.have.length(1);
      const h = await store.openFor(c.conversationId);
      expect(h?.reasons).to.deep.equal(['timeout']);
      expect(h?.packet.intentHistory.map((x) => x.intent)).to.include('order_status');
    });
  });
}

/** Faults finding 1: a deadline taken is leased, not lost — the instance that took it dies before handling it. */
describe('a deadline taken by an instance that dies is handled by another, once', function () {
  this.timeout(90_000);

  it('A takes the deadline and is killed before handling it; B takes it when the lease runs out: one handoff, one notice', async () => {
    const redis = await testRedis();
    const stub = new ConnectorStub();
    const serviceUrl = await stub.start();
    const slowOrders: Server = await slowOrderApi(8000);
    const namespace = uniqueNamespace('lease');
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace,
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      ORDER_SERVICE_URL: `http://127.0.0.1:${(slowOrders.address() as AddressInfo).port}/`,
      ORDER_SERVICE_TIMEOUT_MS: '10000',
      HANDOFF_TIMEOUT_MS: '1000',
      HANDOFF_POLL_MS: '25',
      HANDOFF_LEASE_MS: '2000',
    };
    const store = new RedisHandoffStore(createRedis(redis.url), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
    // A pauses 5 s between taking a deadline and handling it: the window the kill lands in.
    const a = await startKefuProcess({ ...env, KEFU_FAILPOINT_DEADLINE_PAUSE_MS: '5000' });
    let b: KefuProcess | undefined;
    try {
      const customers = Array.from({ length: 5 }, () => new BotClient(a.url));
      for (const c of customers) expect(await c.say('查物流 KF202611220001', { serviceUrl })).to.contain('后四位');
      // Each turn asks the slow order API; each deadline falls due at 1 s and A takes it.
      const pending = customers.map((c) => c.say('1234', { serviceUrl }).catch(() => 'connection lost'));
      await new Promise((r) => setTimeout(r, 1800));
      await a.kill('SIGKILL');
      await Promise.all(pending);
      expect(await Promise.all(customers.map((c) => store.openFor(c.conversationId))), 'nothing opened by A').to.deep.equal(customers.map(() => undefined));
      b = await startKefuProcess(env);
      const notices = (c: BotClient) => stub.received.filter((r) => r.conversationId === c.conversationId && (r.body.text ?? '').includes('系统处理较慢'));
      const started = Date.now();
      while (customers.some((c) => notices(c).length === 0) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 3000)); // a second lease period: nothing fires twice
      for (const c of customers) {
        expect(notices(c), c.conversationId).to.have.length(1);
        expect((await store.openFor(c.conversationId))?.reasons).to.deep.equal(['timeout']);
      }
    } finally {
      await Promise.all([a.kill(), b?.kill()]);
      await stub.close();
      await new Promise((r) => slowOrders.close(r));
      await store.dispose();
    }
  });
});

/** Faults finding 3: a dead instance's turn lock must not drop the customer's next messages. */
describe("a dead instance's turn lock", function () {
  this.timeout(90_000);

  it('A dies mid-turn holding the lock; follow-ups sent to B at once are answered and in the transcript', async () => {
    const redis = await testRedis();
    const slowOrders: Server = await slowOrderApi(20_000);
    const namespace = uniqueNamespace('lock');
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace,
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      ORDER_SERVICE_URL: `http://127.0.0.1:${(slowOrders.address() as AddressInfo).port}/`,
      ORDER_SERVICE_TIMEOUT_MS: '30000',
    };
    const store = new RedisHandoffStore(createRedis(redis.url), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
    const [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
    try {
      const customers = Array.from({ length: 5 }, () => new BotClient(a.url));
      for (const c of customers) expect(await c.say('查物流 KF202611220001')).to.contain('后四位');
      // Each turn holds its conversation's lock while it waits on the order API; A dies holding them.
      const pending = customers.map((c) => c.say('1234').catch(() => 'connection lost'));
      await new Promise((r) => setTimeout(r, 300));
      await a.kill('SIGKILL');
      await Promise.all(pending);
      const followUps = await Promise.all(
        customers.map(async (c) => {
          const onB = new BotClient(b.url);
          Object.defineProperty(onB, 'conversationId', { value: c.conversationId });
          return onB.post(onB.activity('message', { text: '怎么开发票' }));
        }),
      );
      expect(followUps.map((r) => r.status)).to.deep.equal(customers.map(() => 200));
      for (const [i, c] of customers.entries()) {
        expect(followUps[i].activities.map((x) => x.text ?? '').join('')).to.contain('申请开票');
        expect((await store.transcript(c.conversationId)).map((e) => e.text)).to.include('怎么开发票');
      }
    } finally {
      await Promise.all([a.kill(), b.kill()]);
      await new Promise((r) => slowOrders.close(r));
      await store.dispose();
    }
  });
});

/** Faults finding 3, the rest: a message that must wait for a busy conversation is recorded before the wait. */
describe('a message that waits for a busy conversation', function () {
  this.timeout(90_000);

  it('is in the transcript at once, though its turn gives up (503); the resend is answered and not recorded twice', async () => {
    const redis = await testRedis();
    // The order API answers after 12 s: the turn that asks holds the conversation that long.
    const slowOrders: Server = await slowOrderApi(12_000);
    const namespace = uniqueNamespace('early');
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace,
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      ORDER_SERVICE_URL: `http://127.0.0.1:${(slowOrders.address() as AddressInfo).port}/`,
      ORDER_SERVICE_TIMEOUT_MS: '30000',
      HANDOFF_TIMEOUT_MS: '60000',
    };
    const store = new RedisHandoffStore(createRedis(redis.url), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
    const [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
    try {
      const c = new BotClient(a.url);
      expect(await c.say('查物流 KF202611220001')).to.contain('后四位');
      const slowTurn = c.say('1234').catch(() => 'connection lost');
      await new Promise((r) => setTimeout(r, 300));
      const onB = new BotClient(b.url);
      Object.defineProperty(onB, 'conversationId', { value: c.conversationId });
      const followUp = onB.activity('message', { text: '还在吗？我很着急' });
      const waiting = onB.post(followUp);
      // Recorded while its turn still waits for A's.
      const started = Date.now();
      const inTranscript = async () => (await store.transcript(c.conversationId)).filter((e) => e.text === '还在吗？我很着急').length;
      while ((await inTranscript()) === 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 50));
      expect(await inTranscript(), 'recorded before the turn ran').to.equal(1);
      expect((await waiting).status, 'the turn gave up waiting').to.equal(503);
      await slowTurn;
      // The channel resends the same activity once the conversation is free: answered, not recorded again.
      const resent = await onB.post(followUp);
      expect(resent.status).to.equal(200);
      expect(await inTranscript()).to.equal(1);
    } finally {
      await Promise.all([a.kill(), b.kill()]);
      await new Promise((r) => slowOrders.close(r));
      await store.dispose();
    }
  });
});
