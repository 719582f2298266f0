import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

describe('replies POSTed to the activity serviceUrl (normal delivery mode)', function () {
  let kefu: RunningKefu;
  let stub: ConnectorStub;
  let serviceUrl: string;

  before(async function () {
    this.timeout(60_000);
    kefu = await startKefu();
    stub = new ConnectorStub();
    serviceUrl = await stub.start();
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  it('answers on the connector, not in the response body, one reply per activity', async () => {
    const c = new BotClient(kefu.url);
    const res = await c.post(c.activity('message', { text: '怎么开发票', serviceUrl, deliveryMode: undefined, id: 'incoming-1' }));
    expect(res.status).to.be.within(200, 202);
    expect(res.activities).to.have.length(0);
    await stub.waitFor(1);
    const [reply] = stub.received;
    expect(reply.conversationId).to.equal(c.conversationId);
    expect(reply.body.type).to.equal('message');
    expect(reply.body.text).to.contain('申请开票');
    expect(reply.body.replyToId).to.equal('incoming-1');
  });

  it('keeps the dialog across turns delivered this way', async () => {
    const c = new BotClient(kefu.url);
    const before = stub.received.length;
    await c.post(c.activity('message', { text: '查物流 KF202611220001', serviceUrl, deliveryMode: undefined }));
    await stub.waitFor(before + 1);
    await c.post(c.activity('message', { text: '1234', serviceUrl, deliveryMode: undefined }));
    await stub.waitFor(before + 2);
    expect(stub.received[before].body.text).to.contain('后四位');
    expect(stub.received[before + 1].body.text).to.contain('KF202611220001');
  });
});
