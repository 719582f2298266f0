import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis } from '../../infra/redis/connection';
import { RedisHandoffStore } from '../../infra/redis/handoffStore';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefuProcess, type KefuProcess } from '../../testkit/kefuProcess';
import { ownRedis, uniqueNamespace, type OwnRedis } from '../../testkit/redisServer';

/**
 * "Nothing lost" across a Redis restart: a Redis that persists (appendonly, fsync always) is
 * killed with -9 and started again under two kefu processes holding a live handoff.
 */
describe('a Redis killed and restarted under two instances with a live handoff', function () {
  this.timeout(90_000);
  let dir: string;
  let redis: OwnRedis;
  let a: KefuProcess;
  let b: KefuProcess;
  let stub: ConnectorStub;
  let store: RedisHandoffStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-aof-'));
    redis = await ownRedis(['--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
    stub = new ConnectorStub();
    const namespace = uniqueNamespace('restart');
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: namespace,
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      HANDOFF_POLL_MS: '25',
      REDIS_COMMAND_TIMEOUT_MS: '500',
    };
    [a, b] = await Promise.all([startKefuProcess(env), startKefuProcess(env)]);
    store = new RedisHandoffStore(createRedis(redis.url), { namespace, ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds: 86400 });
    store.redis.on('error', () => undefined); // the test's own handle sees the outage too; it reconnects by itself
  });
  after(async () => {
    await Promise.all([(a as KefuProcess | undefined)?.kill(), (b as KefuProcess | undefined)?.kill()]);
    await (store as RedisHandoffStore | undefined)?.dispose();
    await stub.close();
    await (redis as OwnRedis | undefined)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a channel does with a 503 + Retry-After: sends the same activity again. */
  async function sendUntilAccepted(c: BotClient, activity: Record<string, unknown>, statuses: number[]): Promise<void> {
    const started = Date.now();
    for (;;) {
      const { status } = await c.post(activity).catch(() => ({ status: 0 }));
      statuses.push(status);
      if (status === 200) return;
      if (Date.now() - started > 20_000) throw new Error(`never accepted: ${statuses.join(',')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('the handoff, its transcript and the agent event stream survive; a message sent during the outage is refused with 503, resent, and recorded once', async () => {
    const serviceUrl = await stub.start();
    const alice = new AgentClient(a.url, 'test-token-alice');
    await alice.online();
    await alice.listen();
    const c = new BotClient(b.url);
    expect(await c.say('转人工', { serviceUrl })).to.contain('Alice');
    const assigned = await alice.waitFor((e) => e.type === 'handoff.assigned' && e.conversationId === c.conversationId);
    expect(await c.say('我的快递丢了', { serviceUrl })).to.equal('');
    await alice.waitFor((e) => e.type === 'handoff.customer_message' && e.text === '我的快递丢了');

    await redis.stop(); // kill -9
    // While Redis is down, and until it answers again, the channel's retries of one message meet 503s.
    const statuses: number[] = [];
    const during = c.activity('message', { text: '还在吗？', serviceUrl });
    const first = await c.post(during);
    statuses.push(first.status);
    expect(first.status, 'refused while Redis is down').to.equal(503);
    await redis.start();
    await sendUntilAccepted(c, during, statuses);
    expect(
      statuses.filter((s) => s !== 200 && s !== 503),
      `statuses ${statuses.join(',')}`,
    ).to.deep.equal([]);

    // The agent's stream (on the other instance) hears it: pub/sub came back by itself.
    await alice.waitFor((e) => e.type === 'handoff.customer_message' && e.text === '还在吗？', 10_000);
    const h = await store.get(assigned.handoffId);
    expect(h).to.include({ status: 'assigned', assignedTo: 'alice' });
    const transcript = (await store.transcript(c.conversationId)).filter((t) => t.speaker === 'customer').map((t) => t.text);
    expect(transcript).to.deep.equal(['转人工', '我的快递丢了', '还在吗？']);

    // And the agent's reply still reaches the customer.
    expect((await alice.call('POST', `/handoffs/${h?.id ?? ''}/messages`, { text: '在的，我来查一下' })).status).to.equal(202);
    const started = Date.now();
    while (!stub.received.some((r) => r.conversationId === c.conversationId && r.body.text === '在的，我来查一下') && Date.now() - started < 5000)
      await new Promise((r) => setTimeout(r, 25));
    expect(stub.received.filter((r) => r.conversationId === c.conversationId && r.body.text === '在的，我来查一下')).to.have.length(1);
    alice.stop();
  });
});
