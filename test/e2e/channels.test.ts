import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Ecosystem finding 1: /api/messages serves every Bot Framework channel alike — Azure's directline included. */
describe('every Bot Framework channel over /api/messages, directline included', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let stub: ConnectorStub;
  let serviceUrl: string;

  before(async () => {
    stub = new ConnectorStub();
    serviceUrl = await stub.start();
    kefu = await startKefu();
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  for (const channelId of ['directline', 'webchat', 'msteams', 'emulator', 'slack']) {
    it(`${channelId}: answered at its serviceUrl, and in the body with expectReplies`, async () => {
      const c = new BotClient(kefu.url);
      const delivered = await c.post({ ...c.activity('message', { text: '怎么开发票', serviceUrl, deliveryMode: undefined }), channelId });
      expect(delivered.status).to.be.within(200, 202);
      const mine = () => stub.received.filter((r) => r.conversationId === c.conversationId);
      const started = Date.now();
      while (mine().length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(
        mine()
          .map((r) => r.body.text ?? '')
          .join(''),
      ).to.contain('申请开票');
      const d = new BotClient(kefu.url);
      const inBody = await d.post({ ...d.activity('message', { text: '怎么开发票' }), channelId });
      expect(inBody.activities.map((a) => a.text ?? '').join('')).to.contain('申请开票');
    });
  }

  it("nobody may post an activity claiming kefu's own Direct Line service URL (it would write into another conversation's log)", async () => {
    const c = new BotClient(kefu.url);
    const res = await c.post({
      ...c.activity('message', { text: '你好', serviceUrl: 'https://directline.kefu.invalid/', deliveryMode: undefined }),
      channelId: 'directline',
    });
    expect(res.status).to.equal(403);
  });
});
