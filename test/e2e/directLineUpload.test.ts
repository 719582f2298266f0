import { expect } from 'chai';
import { AgentClient, type HandoffListJson } from '../../testkit/agentClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const SECRET = 'direct-line-secret-for-tests-0123';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Direct Line's /upload over real HTTP: what is accepted, what is refused and why, and where the file goes. */
describe('Direct Line uploads: limits, types proven by their bytes, the file kept with the conversation', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  before(async () => {
    kefu = await startKefu({ DIRECTLINE_SECRET: SECRET, UPLOAD_MAX_BYTES: '2048', AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(() => kefu.close());

  const conversation = async () => {
    const res = await fetch(`${kefu.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } });
    return (await res.json()) as { conversationId: string; token: string };
  };
  const upload = (c: { conversationId: string; token: string }, parts: Array<[string, Blob, string?]>) => {
    const form = new FormData();
    for (const [field, blob, name] of parts) form.append(field, blob, name);
    return fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/upload?userId=u1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}` },
      body: form,
    });
  };
  const activity = (text: string) => new Blob([JSON.stringify({ type: 'message', from: { id: 'u1' }, text })], { type: 'application/vnd.microsoft.activity' });

  it('a picture with its message: answered by the bot, stored, served as the image it is', async () => {
    const c = await conversation();
    const res = await upload(c, [
      ['file', new Blob([PNG], { type: 'image/png' }), 'spoiled.png'],
      ['activity', activity('饭菜坏了')],
    ]);
    expect(res.status, kefu.logs.join('\n')).to.equal(200);
    const log = (await (
      await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } })
    ).json()) as { activities: Array<{ text?: string; attachments?: Array<{ contentUrl: string; contentType: string; name: string }> }> };
    const sent = log.activities.find((a) => a.attachments?.length);
    expect(sent?.text).to.equal('饭菜坏了');
    expect(sent?.attachments?.[0]).to.include({ contentType: 'image/png', name: 'spoiled.png' });
    const file = await fetch(sent?.attachments?.[0].contentUrl ?? '');
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/png');
    expect(file.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).to.equal(true);
  });

  it('a picture alone: the bot asks what it is about; once a person holds the chat, the agent sees it in the transcript', async () => {
    const c = await conversation();
    await upload(c, [['file', new Blob([PNG]), 'a.png']]);
    const log = (await (
      await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } })
    ).json()) as { activities: Array<{ text?: string }> };
    expect(log.activities.map((a) => a.text ?? '').join('\n')).to.contain('已收到您发送的文件');
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    await alice.online();
    await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'u1' }, text: '转人工' }),
    });
    const h = ((await alice.call('GET', '/handoffs')).body as HandoffListJson).items.find((x) => x.conversationId === c.conversationId);
    expect(h).not.to.equal(undefined);
    await upload(c, [['file', new Blob([PNG]), 'more.png']]);
    const detail = (await alice.call('GET', `/handoffs/${h?.id ?? ''}`)).body as {
      transcript: Array<{ speaker: string; attachments?: Array<{ name?: string }> }>;
    };
    expect(detail.transcript.filter((e) => e.speaker === 'customer').flatMap((e) => (e.attachments ?? []).map((a) => a.name))).to.deep.equal([
      'a.png',
      'more.png',
    ]);
    await alice.call('PUT', '/presence', { status: 'offline' });
  });

  it('a high-risk message over kefu’s own Direct Line gets its urgent reply in the log (it used to go to the placeholder service URL and fail with 500)', async () => {
    const c = await conversation();
    const res = await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'u1' }, text: '饭菜是馊的，吃完一直吐' }),
    });
    expect(res.status, kefu.logs.join('\n')).to.equal(200);
    const log = (await (
      await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } })
    ).json()) as { activities: Array<{ text?: string; from: { id: string } }> };
    expect(
      log.activities
        .filter((a) => a.from.id === 'kefu')
        .map((a) => a.text ?? '')
        .join('\n'),
    ).to.contain('食品安全');
    expect(await kefu.kefu.store.openFor(c.conversationId)).to.include({ priority: 'urgent' });
  });

  it('refused, nothing stored: a file over UPLOAD_MAX_BYTES (413), a script named .png (415), no file (400), a wrong token (403), an unknown attachment (404)', async () => {
    const c = await conversation();
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    const tooBig = await upload(c, [['file', new Blob([big]), 'big.png']]);
    expect(tooBig.status).to.equal(413);
    const disguised = await upload(c, [['file', new Blob(['<script>alert(1)</script>'], { type: 'image/png' }), 'x.png']]);
    expect(disguised.status).to.equal(415);
    expect(((await disguised.json()) as { error: { message: string } }).error.message).to.contain('image/png');
    expect((await upload(c, [['activity', activity('hi')]])).status).to.equal(400);
    const other = await conversation();
    expect((await upload({ conversationId: c.conversationId, token: other.token }, [['file', new Blob([PNG]), 'a.png']])).status).to.equal(403);
    expect((await fetch(`${kefu.url}/v3/directline/attachments/${'0'.repeat(32)}`)).status).to.equal(404);
    const log = (await (
      await fetch(`${kefu.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } })
    ).json()) as { activities: Array<{ attachments?: unknown[] }> };
    expect(log.activities.filter((a) => a.attachments?.length)).to.deep.equal([]);
  });
});
