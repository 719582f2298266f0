import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const DAY = new Date('2026-11-22T02:00:00Z'); // 10:00 in Shanghai, inside working hours

/** Security finding 1: someone else's order must not reach an unverified customer, nor raise priority. */
describe('no order leaks to an unverified customer (handoff.initiate goes to agent hubs only)', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;

  before(async () => {
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json', AGENT_HUB_CHANNELS: 'agent-hub' }, { clock: () => DAY });
  });
  after(async () => kefu.close());

  /**
   * What the customer's client is shown or handed: every activity less its envelope (ids, the
   * conversation, sender and recipient), whose random UUIDs could spell "199" by chance.
   */
  const everything = (activities: unknown[]) =>
    JSON.stringify(
      activities.map((a) => {
        const { id: _id, replyToId: _reply, conversation: _conversation, from: _from, recipient: _recipient, ...shown } = a as Record<string, unknown>;
        return shown;
      }),
    );

  it("转人工 with a stranger's order ID: the customer's client gets no packet, no order details, no existence oracle", async () => {
    const c = new BotClient(kefu.url);
    const { status, activities } = await c.post(c.activity('message', { text: '转人工 KF202611190003' }));
    expect(status).to.equal(200);
    const all = everything(activities);
    expect(all).not.to.contain('handoff.initiate');
    expect(all).not.to.contain('优品数码').and.not.to.contain('199').and.not.to.contain('delivered');
    // An ID that does not exist gives the same shapes: nothing tells the two apart.
    const d = new BotClient(kefu.url);
    const unknown = await d.post(d.activity('message', { text: '转人工 KF209901010001' }));
    expect(unknown.activities.map((a) => a.type)).to.deep.equal(activities.map((a) => a.type));
  });

  it('the packet records the order as mentioned, not verified, and the ¥199 does not raise priority', async () => {
    const c = new BotClient(kefu.url);
    await c.say('转人工 KF202611190003');
    const h = await kefu.kefu.store.openFor(c.conversationId);
    expect(h?.packet.orders).to.deep.equal([{ id: 'KF202611190003', verified: false }]);
    expect(h?.priority).to.equal('normal');
  });

  it('a listed agent hub receives handoff.initiate with the packet', async () => {
    const hub = new BotClient(kefu.url);
    const { activities } = await hub.post({ ...hub.activity('message', { text: '转人工' }), channelId: 'agent-hub' });
    const initiate = activities.find((a) => (a as { name?: string }).name === 'handoff.initiate') as { value?: { reason?: string } } | undefined;
    expect(initiate?.value?.reason).to.equal('requested');
  });
});
