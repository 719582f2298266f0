import { expect } from 'chai';
import { MemoryStorage } from 'botbuilder';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** A deploy must not break conversations in flight: a stored dialog stack from another build is set aside, the profile kept. */
describe('conversations in flight across a deploy', function () {
  this.timeout(60_000);
  let kefu: RunningKefu;
  const storage = new MemoryStorage();
  before(async () => {
    kefu = await startKefu({}, { storage });
  });
  after(() => kefu.close());

  /** What an older build left: a dialog this build does not have, mid-way, and a profile with a verified order. */
  async function leftByOldBuild(c: BotClient, version?: number): Promise<void> {
    await c.say('你好'); // creates the conversation's state
    const key = `test/conversations/${c.conversationId}/`; // ConversationState's key: channel, conversation
    const item = (await storage.read([key]))[key] as (Record<string, unknown> & { profile: { verification: { verified: unknown[] } } }) | undefined;
    if (!item) throw new Error('no stored state');
    item.profile.verification.verified.push({ orderId: 'KF202611220001', method: 'phone_last4', at: new Date().toISOString() });
    item.dialogState = { dialogStack: [{ id: 'order.legacyStep', state: {} }] };
    if (version === undefined) delete item.dialogStateVersion;
    else item.dialogStateVersion = version;
    await storage.write({ [key]: { ...item, eTag: '*' } });
  }

  it('an unknown dialog on the stack (an older build): the message is answered, the verified order still known', async () => {
    const c = new BotClient(kefu.url);
    await leftByOldBuild(c, 2);
    expect(await c.say('怎么开发票')).to.contain('申请开票');
    expect(await c.say('能不能退款')).to.contain('KF202611220001');
  });

  it('a stack stored by another dialog-state version is set aside', async () => {
    const c = new BotClient(kefu.url);
    await leftByOldBuild(c, undefined);
    expect(await c.say('怎么开发票')).to.contain('申请开票');
  });
});
