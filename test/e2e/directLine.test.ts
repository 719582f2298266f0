import { expect } from 'chai';
import NodeWebSocket from 'ws';
import { AgentClient, type HandoffListJson } from '../../testkit/agentClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

// botframework-directlinejs is a browser library: in Node 20 it needs XMLHttpRequest and WebSocket.
/* eslint-disable @typescript-eslint/no-require-imports -- the globals must be in place before the library loads, and imports would be hoisted above them */
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest ??= require('xhr2');
(globalThis as { WebSocket?: unknown }).WebSocket ??= require('ws');
const { DirectLine } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');
/* eslint-enable @typescript-eslint/no-require-imports */

const SECRET = 'direct-line-secret-for-tests-0123';

interface Seen {
  type: string;
  text?: string;
  from: { id: string; name?: string };
  suggestedActions?: { actions: Array<{ title: string }> };
}

describe('Direct Line 3.0 endpoint, driven by botframework-directlinejs', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  before(async () => {
    kefu = await startKefu({ DIRECTLINE_SECRET: SECRET, AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(() => kefu.close());

  const dl = (path: string, auth: string, body?: unknown) =>
    fetch(`${kefu.url}/v3/directline${path}`, {
      method: body === undefined && path.includes('/activities') ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  for (const webSocket of [false, true])
    it(`a client with a token from tokens/generate chats with the bot, reaches an agent (shown by name), and gets the survey (${webSocket ? 'WebSocket stream' : 'polling'})`, async () => {
      const gen = await dl('/tokens/generate', SECRET, { user: { id: 'app-user-7' } });
      expect(gen.status).to.equal(200);
      const { token, conversationId } = (await gen.json()) as { token: string; conversationId: string };
      const client = new DirectLine({ token, domain: `${kefu.url}/v3/directline`, webSocket, pollingInterval: 200 });
      const seen: Seen[] = [];
      const sub = client.activity$.subscribe((a) => seen.push(a as unknown as Seen));
      const waitFor = async (match: (a: Seen) => boolean) => {
        const started = Date.now();
        while (!seen.some(match)) {
          if (Date.now() - started > 8000) throw new Error(`not seen; got ${JSON.stringify(seen.map((a) => a.text ?? a.type))}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return seen.find(match) as Seen;
      };
      const post = (text: string) =>
        new Promise<string>((resolve, reject) => {
          client.postActivity({ type: 'message', from: { id: 'someone-else' }, text } as never).subscribe({ next: (id: string) => resolve(id), error: reject });
        });
      try {
        const greeting = await waitFor((a) => (a.text ?? '').includes('您好，感谢联系'));
        expect(greeting.suggestedActions?.actions.map((x) => x.title)).to.include('转人工');
        const id = await post('怎么开发票');
        expect(id).to.match(new RegExp(`^${conversationId}\\|`));
        await waitFor((a) => (a.text ?? '').includes('申请开票'));
        // The user's own message comes back too, and a token speaks only for its user.
        expect((await waitFor((a) => a.text === '怎么开发票')).from.id).to.equal('app-user-7');

        const alice = new AgentClient(kefu.url, 'test-token-alice');
        await alice.online();
        await post('转人工');
        await waitFor((a) => (a.text ?? '').includes('已为您接通人工客服 Alice'));
        const h = ((await alice.call('GET', '/handoffs')).body as HandoffListJson).items[0];
        expect(h.conversationId).to.equal(conversationId);
        expect(h.customer.id).to.equal('app-user-7');
        await alice.call('POST', `/handoffs/${h.id}/messages`, { text: '您好，我是 Alice，请问有什么可以帮您？' });
        const fromAlice = await waitFor((a) => a.text === '您好，我是 Alice，请问有什么可以帮您？');
        expect(fromAlice.from).to.deep.include({ id: 'agent:alice', name: 'Alice' }); // a person, not "the bot"
        await alice.call('POST', `/handoffs/${h.id}/close`, { resolution: '已解答' });
        await waitFor((a) => (a.text ?? '').includes('请为本次服务打分'));
        await alice.call('PUT', '/presence', { status: 'offline' });
      } finally {
        sub.unsubscribe();
        client.end();
      }
    });

  it('answers CORS preflights, so Web Chat on another origin can connect', async () => {
    const res = await fetch(`${kefu.url}/v3/directline/conversations`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    expect(res.headers.get('access-control-allow-headers')).to.contain('authorization');
  });

  it('refuses a WebSocket stream without a valid token for that conversation', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new NodeWebSocket(`${kefu.url.replace('http', 'ws')}/v3/directline/conversations/someone-else/stream?t=forged.token`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).to.equal(403);
  });

  it('refuses a missing, wrong or foreign credential with 403; the secret may do anything', async () => {
    const a = (await (await dl('/tokens/generate', SECRET, {})).json()) as { token: string; conversationId: string };
    const b = (await (await dl('/tokens/generate', SECRET, {})).json()) as { token: string; conversationId: string };
    expect((await dl('/conversations', 'nope')).status).to.equal(403);
    expect((await dl('/tokens/generate', a.token, {})).status).to.equal(403);
    expect((await dl(`/conversations/${b.conversationId}/activities`, a.token, { type: 'message', from: { id: 'x' }, text: 'hi' })).status).to.equal(403);
    expect((await dl(`/conversations/${a.conversationId}/activities`, a.token, { type: 'message', from: { id: 'x' }, text: 42 })).status).to.equal(400);
    expect((await dl(`/conversations/${b.conversationId}/activities`, SECRET, { type: 'message', from: { id: 'x' }, text: '你好' })).status).to.equal(200);
    const page = await fetch(`${kefu.url}/v3/directline/conversations/${b.conversationId}/activities?watermark=0`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    const body = (await page.json()) as { activities: Seen[]; watermark: string };
    expect(body.activities.map((x) => x.text)).to.include('你好');
    expect(Number(body.watermark)).to.equal(body.activities.length);
  });
});
