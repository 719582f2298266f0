import { expect } from 'chai';
import { AgentClient } from '../../testkit/agentClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { record } from '../../testkit/handoffFixtures';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/**
 * Security finding 6, as a table: every agent route on a handoff × who asks (no token, an agent
 * outside the group, an agent of the group, a supervisor) × a live handoff and a callback ticket.
 * Alice has no security skill; Bob has; Sue is a supervisor.
 */
describe('authorisation matrix of the agent API (handoffs and callback tickets)', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  const connector = new ConnectorStub();
  let serviceUrl: string;

  before(async () => {
    serviceUrl = await connector.start();
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(async () => {
    await kefu.close();
    await connector.close();
  });

  /** A fresh security-group case: queued, or a callback ticket. */
  const fresh = async (kind: 'handoff' | 'callback') => {
    const r = record({ group: 'security' });
    r.reference.serviceUrl = serviceUrl;
    await kefu.kefu.store.open(r);
    if (kind === 'callback') await kefu.kefu.store.toCallback(r.id, Date.now(), { dueAt: Date.now() + 3_600_000, phone: '13812341234' });
    return r.id;
  };
  const routes: Array<[string, 'GET' | 'POST', (id: string) => string, unknown]> = [
    ['read', 'GET', (id) => `/handoffs/${id}`, undefined],
    ['claim', 'POST', (id) => `/handoffs/${id}/claim`, undefined],
    ['close', 'POST', (id) => `/handoffs/${id}/close`, { resolution: 'done' }],
    ['transfer', 'POST', (id) => `/handoffs/${id}/transfer`, { group: 'general' }],
    ['reply', 'POST', (id) => `/handoffs/${id}/messages`, { text: '您好' }],
    ['note', 'POST', (id) => `/handoffs/${id}/notes`, { text: '客户已来电两次' }],
    ['view', 'POST', (id) => `/handoffs/${id}/viewing`, undefined],
    ['whisper', 'POST', (id) => `/handoffs/${id}/whisper`, { text: '先道歉' }],
  ];
  // Expected status per (route, who) — the same for a handoff and a callback ticket: reading and
  // claiming need the group; closing, transferring and replying need to hold it (or be a supervisor)
  // — except that a callback ticket nobody holds may be closed by its group after the call. Nobody
  // replies to a conversation they have not claimed, supervisors included.
  const expected: Record<string, Record<string, { handoff: number; callback: number }>> = {
    read: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 200, callback: 200 },
      supervisor: { handoff: 200, callback: 200 },
    },
    claim: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 200, callback: 200 },
      supervisor: { handoff: 200, callback: 200 },
    },
    close: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 403, callback: 200 },
      supervisor: { handoff: 200, callback: 200 },
    },
    transfer: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 403, callback: 403 },
      supervisor: { handoff: 200, callback: 200 },
    },
    reply: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 403, callback: 403 },
      supervisor: { handoff: 403, callback: 403 },
    },
    // Notes and the on-screen mark follow reading; a whisper is the supervisor's, to whoever holds the chat (nobody here).
    note: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 201, callback: 201 },
      supervisor: { handoff: 201, callback: 201 },
    },
    view: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 200, callback: 200 },
      supervisor: { handoff: 200, callback: 200 },
    },
    whisper: {
      none: { handoff: 401, callback: 401 },
      outsider: { handoff: 403, callback: 403 },
      member: { handoff: 403, callback: 403 },
      supervisor: { handoff: 409, callback: 409 },
    },
  };
  const who = { none: '', outsider: 'test-token-alice', member: 'test-token-bob', supervisor: 'test-token-sue' } as const;

  for (const [name, method, path, body] of routes) {
    for (const [subject, token] of Object.entries(who)) {
      for (const kind of ['handoff', 'callback'] as const) {
        const status = expected[name][subject][kind];
        it(`${name} a ${kind} as ${subject} → ${String(status)}`, async () => {
          const id = await fresh(kind);
          const res = await new AgentClient(kefu.url, token).call(method, path(id), body);
          expect(res.status, JSON.stringify(res.body)).to.equal(status);
        });
      }
    }
  }

  it('the event stream: no token in the URL; a single-use ticket; callbacks only to agents who may read them', async () => {
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    expect((await fetch(`${kefu.url}/agent/v1/events?access_token=test-token-alice`)).status).to.equal(401);
    const { body } = await alice.call('POST', '/events/ticket');
    const ticket = (body as { ticket: string }).ticket;
    const first = await fetch(`${kefu.url}/agent/v1/events?ticket=${ticket}`);
    expect(first.status).to.equal(200);
    await first.body?.cancel();
    expect((await fetch(`${kefu.url}/agent/v1/events?ticket=${ticket}`)).status).to.equal(401);
    // Alice (no security skill) does not hear of a security callback ticket; Bob does.
    await alice.listen();
    const bob = new AgentClient(kefu.url, 'test-token-bob');
    await bob.listen();
    const r = record({ group: 'security' });
    await kefu.kefu.store.open(r);
    await kefu.kefu.desk.bookCallback(r);
    await bob.waitFor((e) => e.type === 'handoff.callback' && e.handoffId === r.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alice.events.filter((e) => e.handoffId === r.id)).to.deep.equal([]);
    alice.stop();
    bob.stop();
  });
});
