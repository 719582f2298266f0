import { expect } from 'chai';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';

/** Faults finding 7: an agent's retried message, transfer or close does not happen twice. */
describe('Idempotency-Key on the agent routes', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let stub: ConnectorStub;
  let serviceUrl: string;

  before(async () => {
    stub = new ConnectorStub();
    serviceUrl = await stub.start();
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json', REDIS_URL: (await testRedis()).url, REDIS_NAMESPACE: uniqueNamespace('idem') });
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  const withKey = (alice: AgentClient, path: string, body: unknown, key: string) =>
    fetch(`${kefu.url}/agent/v1${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token-alice', 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.json(), alice }));

  it('the same key sends the message once and returns the first result; another key sends again; close twice is one close', async () => {
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    const c = new BotClient(kefu.url);
    expect(await c.say('转人工', { serviceUrl })).to.contain('Alice');
    const h = await kefu.kefu.store.openFor(c.conversationId);
    const id = h?.id ?? '';
    const sent = () => stub.received.filter((r) => r.conversationId === c.conversationId && r.body.text === '您好，我来帮您查一下').length;
    const first = await withKey(alice, `/handoffs/${id}/messages`, { text: '您好，我来帮您查一下' }, 'msg-1');
    const retry = await withKey(alice, `/handoffs/${id}/messages`, { text: '您好，我来帮您查一下' }, 'msg-1');
    expect(first.status).to.equal(202);
    expect(retry).to.deep.include({ status: 202, replayed: 'true' });
    expect(retry.body).to.deep.equal(first.body);
    expect(sent()).to.equal(1);
    await withKey(alice, `/handoffs/${id}/messages`, { text: '您好，我来帮您查一下' }, 'msg-2');
    expect(sent()).to.equal(2);
    const closed = await withKey(alice, `/handoffs/${id}/close`, { resolution: 'answered' }, 'close-1');
    const closedAgain = await withKey(alice, `/handoffs/${id}/close`, { resolution: 'answered' }, 'close-1');
    expect(closed.status).to.equal(200);
    expect(closedAgain).to.deep.include({ status: 200, replayed: 'true' });
    const without = await alice.call('POST', `/handoffs/${id}/close`, { resolution: 'answered' });
    expect(without.status, 'without a key a second close is refused as before').to.equal(409);
  });
});
