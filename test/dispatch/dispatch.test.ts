import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '../../handoff/agents';
import { PRIORITY_RANK } from '../../handoff/types';
import { createRedis, type RedisTarget } from '../../infra/redis/connection';
import { RedisHandoffStore } from '../../infra/redis/handoffStore';
import { fromRoot } from '../../kernel/paths';
import { AgentClient, type HandoffJson } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefuProcess } from '../../testkit/kefuProcess';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';

const SELF_HARM = "I'm going to kill myself";
const FOOD_POISONING = '我吃了你们的外卖食物中毒了';

/** A routing file like the shipped one, with some dispatch settings changed (durations as in the file). */
function routingWith(dispatch: Record<string, unknown>): string {
  const routing = JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  routing.dispatch = { ...routing.dispatch, ...dispatch };
  routing.workingHours = { from: '00:00', to: '23:59', timeZone: 'Asia/Shanghai' };
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-routing-')), 'routing.json');
  writeFileSync(file, JSON.stringify(routing));
  return file;
}

/** Two real kefu processes on one real Redis (or a 3-master cluster), with a store handle to look at what they did. */
async function twoInstances(extraEnv: Record<string, string>, on: 'redis' | 'cluster' = 'redis') {
  const namespace = uniqueNamespace('dispatch');
  const stub = new ConnectorStub();
  const serviceUrl = await stub.start();
  let backendEnv: Record<string, string>;
  let target: RedisTarget;
  if (on === 'cluster') {
    const cluster = await testRedisCluster();
    [backendEnv, target] = [{ REDIS_CLUSTER_NODES: cluster.env }, { clusterNodes: cluster.nodes }];
  } else {
    const redis = await testRedis();
    [backendEnv, target] = [{ REDIS_URL: redis.url }, { url: redis.url }];
  }
  const env = { ...backendEnv, REDIS_NAMESPACE: namespace, AGENTS_FILE: 'test/fixtures/agents.test.json', HANDOFF_POLL_MS: '25', ...extraEnv };
  const [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
  const store = new RedisHandoffStore(createRedis(target), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
  return {
    a,
    b,
    stub,
    serviceUrl,
    store,
    async close() {
      await Promise.all([a.kill(), b.kill()]);
      await stub.close();
      await store.dispose();
    },
  };
}
type Instances = Awaited<ReturnType<typeof twoInstances>>;

/** A supervisor closes every open handoff, so a test starts with empty queues and free agents. */
async function closeEverything(k: Instances, supervisorToken: string): Promise<void> {
  const sup = new AgentClient(k.a.url, supervisorToken);
  const open = [...(await k.store.queued()), ...(await k.store.assigned())];
  for (const h of open) await sup.call('POST', `/handoffs/${h.id}/close`, { resolution: 'test reset' });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dispatch: waiting customers reach the next free agent, most urgent first, on any instance', function () {
  this.timeout(60_000);
  let k: Instances;
  before(async () => {
    k = await twoInstances({ ROUTING_FILE: routingWith({ escalateAfter: '10m', awayAfter: '10m' }) });
  });
  after(async () => {
    await (k as Instances | undefined)?.close();
  });

  it('a self-harm case waiting while Bob is offline is his the moment he comes online, before newer normal ones', async () => {
    const sue = new AgentClient(k.b.url, 'test-token-sue'); // the supervisor listens, offline (takes no chats)
    await sue.listen();
    const urgent = new BotClient(k.a.url);
    await urgent.say(SELF_HARM, { serviceUrl: k.serviceUrl });
    const urgentHandoff = await until(() => k.store.openFor(urgent.conversationId), 'the self-harm handoff');
    expect(urgentHandoff.status, 'never parked as a callback').to.equal('queued');
    expect(urgentHandoff.priority).to.equal('urgent');

    const bob = new AgentClient(k.b.url, 'test-token-bob');
    await bob.online(); // on the other instance
    const first = await sue.waitFor((e) => e.type === 'handoff.assigned' && e.agentId === 'bob', 3000);
    expect(first.handoffId, 'the urgent one first').to.equal(urgentHandoff.id);

    const normal = [new BotClient(k.a.url), new BotClient(k.b.url), new BotClient(k.a.url)];
    for (const c of normal) await c.say('转人工', { serviceUrl: k.serviceUrl });
    const records = await Promise.all(normal.map((c) => until(() => k.store.openFor(c.conversationId), 'a normal handoff')));
    // Bob has room for one more (capacity 2): the oldest normal one; the rest wait, nobody over capacity.
    expect(records.map((r) => r.status)).to.deep.equal(['assigned', 'queued', 'queued']);
    expect(records[0]?.assignedTo).to.equal('bob');
    expect((await k.store.loads()).bob).to.equal(2);
  });

  it('when Bob closes one, the longest-waiting case he may take is his at once, not the next new one', async () => {
    const bob = new AgentClient(k.a.url, 'test-token-bob');
    const mine = (await bob.call('GET', '/handoffs')).body as { items: HandoffJson[] };
    expect(mine.items).to.have.length(2);
    const queuedBefore = (await k.store.queued()).filter((h) => h.status === 'queued');
    const oldest = queuedBefore.sort((x, y) => PRIORITY_RANK[x.priority] - PRIORITY_RANK[y.priority] || x.createdAt - y.createdAt)[0];
    const closed = await bob.call('POST', `/handoffs/${mine.items[0]?.id ?? ''}/close`, { resolution: 'done' });
    expect(closed.status).to.equal(200);
    const taken = await until(async () => {
      const h = await k.store.get(oldest.id);
      return h?.status === 'assigned' ? h : undefined;
    }, 'the oldest queued case to be assigned');
    expect(taken.assignedTo).to.equal('bob');
    expect((await k.store.loads()).bob).to.equal(2);
    // The customer was told a person joined (proactively: they were waiting, not in a turn).
    const conversation = taken.conversationId;
    await until(
      async () => (k.stub.received.some((r) => r.conversationId === conversation && (r.body.text ?? '').includes('已接入')) ? true : undefined),
      'the joined notice',
    );
  });
});

for (const on of ['redis', 'cluster'] as const)
  describe(`dispatch at scale: 200 handoffs of mixed priority, 6 agents, two instances (${on === 'redis' ? 'one Redis' : 'a 3-master Redis Cluster'})`, function () {
    this.timeout(120_000);
    let k: Instances;
    const agentIds = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'];
    const CAPACITY = 3;
    before(async () => {
      const groups = ['general', 'orders', 'payments', 'after_sales', 'food_safety', 'security', 'safety', 'escalation'];
      const agents = [
        ...agentIds.map((id) => ({ id, name: id, skills: groups, tier: 1, capacity: CAPACITY, tokenSha256: hashToken(`token-${id}`) })),
        { id: 'boss', name: 'boss', skills: groups, tier: 3, capacity: 1, supervisor: true, tokenSha256: hashToken('token-boss') },
      ];
      const file = join(mkdtempSync(join(tmpdir(), 'kefu-agents-')), 'agents.json');
      writeFileSync(file, JSON.stringify({ agents }));
      k = await twoInstances({ AGENTS_FILE: file, ROUTING_FILE: routingWith({ escalateAfter: '10m', awayAfter: '10m', acceptTimeout: '10m' }) }, on);
    });
    after(async () => {
      await (k as Instances | undefined)?.close();
    });

    it('never gives one customer to two agents, never exceeds a capacity, and assigns in priority-then-age order', async () => {
      const boss = new AgentClient(k.a.url, 'token-boss');
      await boss.listen();
      const agents = agentIds.map((id, i) => new AgentClient(i % 2 ? k.b.url : k.a.url, `token-${id}`));
      await agents[0]?.online(); // someone is online: normal cases wait in the queue instead of becoming callbacks

      const customers = Array.from({ length: 200 }, (_, i) => new BotClient(i % 2 ? k.b.url : k.a.url));
      for (const [i, c] of customers.entries()) await c.say(i % 3 === 0 ? FOOD_POISONING : '转人工', { serviceUrl: k.serviceUrl });
      const all = await Promise.all(customers.map((c) => until(() => k.store.openFor(c.conversationId), 'a handoff')));
      expect(new Set(all.map((h) => h.priority))).to.deep.equal(new Set(['urgent', 'normal']));
      const firstOnes = new Set(all.filter((h) => h.status === 'assigned').map((h) => h.id)); // d0 took these as they came
      expect(firstOnes.size).to.equal(CAPACITY);

      const order = (await k.store.queued())
        .filter((h) => h.status === 'queued')
        .sort((x, y) => PRIORITY_RANK[x.priority] - PRIORITY_RANK[y.priority] || x.createdAt - y.createdAt)
        .map((h) => h.id);
      await Promise.all(agents.slice(1).map((a) => a.online()));
      expect(order.length + firstOnes.size).to.be.at.most(200);

      const seats = agentIds.length * CAPACITY;
      const served: string[] = [];
      for (let round = 0; served.length < order.length; round += 1) {
        // Settle: every seat filled, or the queue empty.
        const expected = order.slice(served.length, served.length + seats - (round === 0 ? firstOnes.size : 0));
        const assigned = await until(
          async () => {
            const now = (await k.store.assigned()).filter((h) => !firstOnes.has(h.id));
            return now.length === expected.length ? now : undefined;
          },
          `round ${round}: ${expected.length} assigned`,
          10_000,
        );
        const loads = await k.store.loads();
        for (const id of agentIds) expect(loads[id] ?? 0, `${id}'s load`).to.be.at.most(CAPACITY);
        // Priority then age: exactly the next ones in line are the ones being served.
        expect(assigned.map((h) => h.id).sort()).to.deep.equal([...expected].sort());
        served.push(...expected);
        // Everyone closes what they hold, through both instances at once.
        const held = await k.store.assigned();
        await Promise.all(
          held.map((h) => {
            const agent = agents[agentIds.indexOf(h.assignedTo ?? '')];
            return agent.call('POST', `/handoffs/${h.id}/close`, { resolution: 'ok' });
          }),
        );
        firstOnes.clear();
      }
      // One customer, one agent: every handoff was assigned exactly once.
      const assignedEvents = boss.events.filter((e) => e.type === 'handoff.assigned');
      const perHandoff = new Map<string, number>();
      for (const e of assignedEvents) perHandoff.set(e.handoffId, (perHandoff.get(e.handoffId) ?? 0) + 1);
      expect([...perHandoff.values()].every((n) => n === 1)).to.equal(true);
      expect(perHandoff.size).to.equal(200);
    });
  });

describe('presence that tells the truth, ring-no-answer, the agent reply deadline', function () {
  this.timeout(60_000);
  let k: Instances;
  before(async () => {
    k = await twoInstances({
      ROUTING_FILE: routingWith({
        awayAfter: '2s',
        acceptTimeout: '2s',
        replyTimeout: { urgent: '1s', high: '1s', normal: '1s' },
        escalateAfter: '10m',
        sweepEvery: '1s',
      }),
    });
  });
  after(async () => {
    await (k as Instances | undefined)?.close();
  });

  it('a console that goes silent: its agent goes away and the customer goes back to the queue, to the next agent', async () => {
    const sue = new AgentClient(k.a.url, 'test-token-sue');
    await sue.listen();
    const alice = new AgentClient(k.a.url, 'test-token-alice');
    await alice.online();
    const c = new BotClient(k.b.url);
    await c.say('转人工', { serviceUrl: k.serviceUrl });
    const h = await until(() => k.store.openFor(c.conversationId), 'the handoff');
    expect(h.assignedTo).to.equal('alice');
    await alice.call('POST', `/handoffs/${h.id}/accept`);
    // Alice's console stops talking; Bob is online and keeps his alive.
    const bob = new AgentClient(k.b.url, 'test-token-bob');
    await bob.online();
    const keepAlive = setInterval(() => void bob.call('POST', '/heartbeat'), 300);
    try {
      const requeued = await sue.waitFor((e) => e.type === 'handoff.requeued' && e.handoffId === h.id, 6000);
      expect(requeued.agentId).to.equal('alice');
      const moved = await sue.waitFor((e) => e.type === 'handoff.assigned' && e.handoffId === h.id && e.agentId === 'bob', 3000);
      expect(moved.agentId).to.equal('bob');
      expect((await k.store.presence()).alice).to.equal('away');
      const back = await k.store.get(h.id);
      expect(back?.transfers.some((t) => (t.note ?? '').includes('away'))).to.equal(true);
      await until(
        async () => (k.stub.received.some((r) => r.conversationId === c.conversationId && (r.body.text ?? '').includes('下一位客服')) ? true : undefined),
        'the customer told once',
      );
      expect(k.stub.received.filter((r) => r.conversationId === c.conversationId && (r.body.text ?? '').includes('下一位客服'))).to.have.length(1);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('ring-no-answer: a dispatched chat nobody accepts goes to the next agent, and the first is marked away', async () => {
    const sue = new AgentClient(k.b.url, 'test-token-sue');
    await sue.listen();
    const alice = new AgentClient(k.a.url, 'test-token-alice');
    const bob = new AgentClient(k.b.url, 'test-token-bob');
    await bob.call('PUT', '/presence', { status: 'offline' });
    await alice.online();
    const keepAlive = setInterval(() => void Promise.all([alice.call('POST', '/heartbeat'), bob.call('POST', '/heartbeat')]), 300);
    try {
      const c = new BotClient(k.a.url);
      await c.say('转人工', { serviceUrl: k.serviceUrl });
      const h = await until(() => k.store.openFor(c.conversationId), 'the handoff');
      expect(h.assignedTo).to.equal('alice');
      await bob.online(); // Bob is there, but alice has the chat — and does not pick up
      const requeued = await sue.waitFor((e) => e.type === 'handoff.requeued' && e.handoffId === h.id, 6000);
      expect(requeued.why).to.equal('not_accepted');
      await sue.waitFor((e) => e.type === 'handoff.assigned' && e.handoffId === h.id && e.agentId === 'bob', 3000);
      expect((await k.store.presence()).alice).to.equal('away');
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('the agent reply deadline: an unanswered customer raises handoff.agent_slow once, then goes to another agent', async () => {
    const sue = new AgentClient(k.a.url, 'test-token-sue');
    await sue.listen();
    const alice = new AgentClient(k.a.url, 'test-token-alice');
    const bob = new AgentClient(k.b.url, 'test-token-bob');
    await Promise.all([alice.call('PUT', '/presence', { status: 'offline' }), bob.call('PUT', '/presence', { status: 'offline' })]);
    await closeEverything(k, 'test-token-sue');
    await bob.online();
    const keepAlive = setInterval(() => void Promise.all([alice.call('POST', '/heartbeat'), bob.call('POST', '/heartbeat')]), 300);
    try {
      const c = new BotClient(k.b.url);
      await c.say('转人工', { serviceUrl: k.serviceUrl });
      const h = await until(() => k.store.openFor(c.conversationId), 'the handoff');
      expect(h.assignedTo).to.equal('bob');
      await bob.call('POST', `/handoffs/${h.id}/accept`);
      await alice.online();
      await c.say('有人吗？', { serviceUrl: k.serviceUrl });
      const slow = await sue.waitFor((e) => e.type === 'handoff.agent_slow' && e.handoffId === h.id, 4000);
      expect(slow.agentId).to.equal('bob');
      await sue.waitFor((e) => e.type === 'handoff.assigned' && e.handoffId === h.id && e.agentId === 'alice', 5000);
      expect(
        sue.events.filter((e) => e.type === 'handoff.agent_slow' && e.handoffId === h.id),
        'once',
      ).to.have.length(1);
    } finally {
      clearInterval(keepAlive);
    }
  });
});

describe('customer silence while a person holds the chat', function () {
  this.timeout(60_000);
  let k: Instances;
  before(async () => {
    k = await twoInstances({ ROUTING_FILE: routingWith({ customerIdleAfter: '1s', sweepEvery: '1s', escalateAfter: '10m' }) });
  });
  after(async () => {
    await (k as Instances | undefined)?.close();
  });

  it('one reminder, then the chat closes as customer_idle, without a survey; a reply in between starts the clock again', async () => {
    const alice = new AgentClient(k.a.url, 'test-token-alice');
    await alice.online();
    const c = new BotClient(k.b.url);
    await c.say('转人工', { serviceUrl: k.serviceUrl });
    const h = await until(() => k.store.openFor(c.conversationId), 'the handoff');
    expect(h.assignedTo).to.equal('alice');
    await alice.call('POST', `/handoffs/${h.id}/messages`, { text: '您好，请问有什么可以帮您？' });
    const texts = () => k.stub.received.filter((r) => r.conversationId === c.conversationId).map((r) => r.body.text ?? '');
    await until(async () => (texts().some((t) => t.includes('请问还有什么问题吗')) ? true : undefined), 'the reminder', 5000);
    await c.say('在的，稍等', { serviceUrl: k.serviceUrl }); // the clock starts again: no close yet
    expect((await k.store.get(h.id))?.status).to.equal('assigned');
    const closed = await until(
      async () => {
        const r = await k.store.get(h.id);
        return r?.status === 'closed' ? r : undefined;
      },
      'the idle close',
      8000,
    );
    expect(closed.resolution).to.equal('customer_idle');
    expect(texts().filter((t) => t.includes('请问还有什么问题吗')).length, 'a reminder after each silence, not on a beat').to.be.at.most(2);
    await until(async () => (texts().some((t) => t.includes('长时间未收到您的回复')) ? true : undefined), 'the idle closing message');
    expect(
      texts().some((t) => t.includes('请为本次服务打分')),
      'no survey after an idle close',
    ).to.equal(false);
    expect((await k.store.loads()).alice).to.equal(0);
  });
});
