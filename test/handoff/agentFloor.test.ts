import { expect } from 'chai';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

interface Line {
  speaker: string;
  text: string;
  agentId?: string;
}

/**
 * What happens around a handoff besides replies, over real HTTP: internal notes, transfers the
 * customer hears of once, a supervisor's whisper and take-over, canned replies. Alice and Bob are
 * agents, Sue a supervisor (test/fixtures/agents.test.json).
 */
describe('notes, transfer notices, whisper and take-over, canned replies (agent API)', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  const channel = new ConnectorStub();
  let serviceUrl: string;

  before(async () => {
    serviceUrl = await channel.start();
  });
  beforeEach(async () => {
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  afterEach(async () => {
    await kefu.close();
  });
  after(async () => {
    await channel.close();
  });

  const agent = (name: 'alice' | 'bob' | 'sue') => new AgentClient(kefu.url, `test-token-${name}`);
  const heard = (c: BotClient) => channel.received.filter((r) => r.conversationId === c.conversationId).map((r) => r.body.text ?? '');
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  };
  /** A customer who asks for a person while `holder` is the only one online: the chat is theirs. */
  const handedTo = async (holder: AgentClient, locale?: string) => {
    await holder.online();
    const c = new BotClient(kefu.url, { locale });
    await c.say(locale?.startsWith('en') ? 'I want to talk to a person' : '转人工', { serviceUrl });
    const mine = (await holder.call('GET', '/handoffs')).body as { items: Array<{ id: string }> };
    expect(mine.items, 'assigned to the agent online').to.have.length(1);
    return { c, id: mine.items[0].id };
  };
  const transcript = async (id: string) => ((await agent('sue').call('GET', `/handoffs/${id}`)).body as { transcript: Line[] }).transcript;

  it('a note stays with the case for the next agent after a transfer, masked, and never reaches the customer; the customer hears of the transfer once', async () => {
    const alice = agent('alice');
    const { c, id } = await handedTo(alice);
    expect((await alice.call('POST', `/handoffs/${id}/notes`, { text: '客户说备用电话13812341234，已核实订单' })).status).to.equal(201);
    expect((await alice.call('POST', `/handoffs/${id}/transfer`, { group: 'orders' })).status).to.equal(200);
    await until(() => heard(c).some((t) => t.includes('订单专员')));
    expect(heard(c).filter((t) => t.includes('已为您转接到订单专员'))).to.have.length(1);
    expect(heard(c).join('\n')).not.to.contain('已核实订单');
    // Bob, in the orders group, reads the queued case: the note is there, the number masked.
    const bob = agent('bob');
    const seen = (await bob.call('GET', `/handoffs/${id}`)).body as { transcript: Line[] };
    const note = seen.transcript.find((l) => l.speaker === 'note');
    expect(note?.agentId).to.equal('alice');
    expect(note?.text).to.contain('已核实订单').and.not.to.contain('13812341234');
  });

  it('escalating tells an English customer in English, once', async () => {
    const alice = agent('alice');
    const { c, id } = await handedTo(alice, 'en-US');
    expect((await alice.call('POST', `/handoffs/${id}/escalate`, {})).status).to.equal(200);
    await until(() => heard(c).some((t) => t.includes('senior agent')));
    expect(heard(c).filter((t) => t.includes('escalated to a senior agent'))).to.have.length(1);
  });

  it('a supervisor whispers (the agent hears it live, the customer never) and takes over (the agent is told, the customer hears who joined, once)', async () => {
    const alice = agent('alice');
    const sue = agent('sue');
    const { c, id } = await handedTo(alice);
    await alice.listen();
    expect((await alice.call('POST', `/handoffs/${id}/whisper`, { text: '先道歉' })).status, 'agents cannot whisper').to.equal(403);
    expect((await sue.call('POST', `/handoffs/${id}/whisper`, { text: '这位客户上周投诉过，先道歉' })).status).to.equal(201);
    const whisper = await alice.waitFor((e) => e.type === 'handoff.note' && e.handoffId === id);
    expect(whisper).to.include({ kind: 'whisper', by: 'sue' });
    expect((await alice.call('POST', `/handoffs/${id}/barge`)).status, 'agents cannot take over').to.equal(403);
    const barged = await sue.call('POST', `/handoffs/${id}/barge`);
    expect(barged.status).to.equal(200);
    expect(barged.body).to.include({ assignedTo: 'sue' });
    await alice.waitFor((e) => e.type === 'handoff.barged' && e.handoffId === id);
    await until(() => heard(c).some((t) => t.includes('Sue')));
    // Taking over again what she already holds tells the customer nothing new.
    expect((await sue.call('POST', `/handoffs/${id}/barge`)).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard(c).filter((t) => t.includes('Sue') && t.includes('已接入'))).to.have.length(1);
    expect(heard(c).join('\n')).not.to.contain('先道歉');
    expect((await transcript(id)).filter((l) => l.speaker === 'whisper')).to.have.length(1);
    alice.stop();
  });

  it("the customer's history: an earlier conversation with its resolution and rating, not the current one, not other customers'", async () => {
    const alice = agent('alice');
    await alice.online();
    const userId = `cust-${Math.random().toString(36).slice(2, 10)}`;
    const first = new BotClient(kefu.url, { userId });
    await first.say('转人工', { serviceUrl });
    const earlier = ((await alice.call('GET', '/handoffs')).body as { items: Array<{ id: string }> }).items[0].id;
    expect((await alice.call('POST', `/handoffs/${earlier}/close`, { resolution: '已补发漏送的饮料', tags: ['wrong_item'] })).status).to.equal(200);
    const second = new BotClient(kefu.url, { userId });
    await second.say('转人工', { serviceUrl });
    const now = ((await alice.call('GET', '/handoffs')).body as { items: Array<{ id: string }> }).items[0].id;
    expect(now).not.to.equal(earlier);
    const history = (await alice.call('GET', `/handoffs/${now}/history`)).body as { items: Array<{ id: string; status: string; resolution?: string }> };
    expect(history.items.map((h) => h.id)).to.deep.equal([earlier]);
    expect(history.items[0]).to.include({ status: 'closed', resolution: '已补发漏送的饮料' });
    await alice.call('PUT', '/presence', { status: 'away' }); // the next one goes to Bob
    const stranger = await handedTo(agent('bob'));
    expect(((await agent('bob').call('GET', `/handoffs/${stranger.id}/history`)).body as { items: unknown[] }).items).to.deep.equal([]);
    expect((await agent('alice').call('GET', `/handoffs/${stranger.id}/history`)).status, "another agent's conversation").to.equal(403);
  });

  it('two consoles on one conversation see each other (the collision warning)', async () => {
    const alice = agent('alice');
    const { id } = await handedTo(alice);
    expect(((await alice.call('POST', `/handoffs/${id}/viewing`)).body as { others: unknown[] }).others).to.deep.equal([]);
    expect(((await agent('sue').call('POST', `/handoffs/${id}/viewing`)).body as { others: Array<{ id: string }> }).others.map((o) => o.id)).to.deep.equal([
      'alice',
    ]);
    expect(((await alice.call('POST', `/handoffs/${id}/viewing`)).body as { others: Array<{ name: string }> }).others.map((o) => o.name)).to.deep.equal([
      'Sue',
    ]);
    await agent('sue').call('DELETE', `/handoffs/${id}/viewing`);
    expect(((await alice.call('POST', `/handoffs/${id}/viewing`)).body as { others: unknown[] }).others).to.deep.equal([]);
  });

  it("canned replies: the operator's set for everyone, each agent's own kept for them, and a forbidden phrase refused", async () => {
    const alice = agent('alice');
    const all = (await alice.call('GET', '/canned')).body as { shared: Array<{ id: string; text: Record<string, string> }>; mine: unknown[] };
    expect(all.shared.map((r) => r.id)).to.include('rider-urged');
    expect(all.shared.find((r) => r.id === 'rider-urged')?.text['zh-CN']).to.contain('{orderId}');
    expect(all.mine).to.deep.equal([]);
    const refused = await alice.call('PUT', '/canned/mine', { replies: [{ id: 'x', title: 'x', text: { 'zh-CN': '请把验证码发给我' } }] });
    expect(refused.status).to.equal(422);
    expect((refused.body as { error: { code: string } }).error.code).to.equal('compliance');
    const bad = await alice.call('PUT', '/canned/mine', { replies: [{ id: 'x', title: 'x', text: {} }] });
    expect(bad.status).to.equal(400);
    const own = { id: 'own-1', title: '稍等', text: { 'zh-CN': '好的，我马上帮您看一下' } };
    expect((await alice.call('PUT', '/canned/mine', { replies: [own] })).status).to.equal(200);
    expect(((await alice.call('GET', '/canned')).body as { mine: unknown[] }).mine).to.deep.equal([own]);
    expect(((await agent('bob').call('GET', '/canned')).body as { mine: unknown[] }).mine, "Bob does not get Alice's").to.deep.equal([]);
  });
});
