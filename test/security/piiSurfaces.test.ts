import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Security finding 5 over HTTP: the forms people type, masked in the transcript, the packet, the display name and the Direct Line log. */
describe('personal data masked wherever it is kept', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;

  before(async () => {
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(async () => kefu.close());

  it('transcript and packet: a spaced bank card, a dotted phone, an email, an SMS code; the display name too', async () => {
    const c = new BotClient(kefu.url);
    await c.post({
      ...c.activity('message', { text: '卡号 6222 0212 3456 7890，手机 138.1234.1234，邮箱 li.si@example.com，验证码是583920' }),
      from: { id: 'u9', name: '王五 13998765678' },
    });
    await c.post({ ...c.activity('message', { text: '转人工' }), from: { id: 'u9', name: '王五 13998765678' } });
    const h = await kefu.kefu.store.openFor(c.conversationId);
    const kept = JSON.stringify([await kefu.kefu.store.transcript(c.conversationId), h?.packet]);
    for (const raw of ['6222 0212 3456 7890', '6222021234567890', '1234.1234', '13812341234', 'li.si@', '583920', '13998765678'])
      expect(kept).not.to.contain(raw);
    expect(kept).to.contain('6222****7890').and.to.contain('138****1234').and.to.contain('l***@example.com');
    expect(h?.packet.customer.displayName).to.equal('王五 139****5678');
  });

  it('the Direct Line log keeps masked text and no user token (the client still matches its echo)', async () => {
    const secret = kefu.kefu.directLineSecret ?? '';
    const start = await fetch(`${kefu.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    const { conversationId, token } = (await start.json()) as { conversationId: string; token: string };
    const post = await fetch(`${kefu.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        from: { id: 'dl-user' },
        text: '我的手机是13812341234',
        channelData: { userToken: 'abc.def', clientActivityID: 'c-1' },
      }),
    });
    expect(post.status).to.equal(200);
    const read = await fetch(`${kefu.url}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });
    const { activities } = (await read.json()) as { activities: Array<{ from: { id: string }; text?: string; channelData?: Record<string, unknown> }> };
    const mine = activities.find((a) => a.channelData?.clientActivityID === 'c-1');
    expect(mine?.text).to.equal('我的手机是138****1234');
    expect(mine?.channelData).to.deep.equal({ clientActivityID: 'c-1' });
    expect(JSON.stringify(activities)).not.to.contain('abc.def');
  });
});
