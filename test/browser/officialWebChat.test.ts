import { expect } from 'chai';
import express from 'express';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { fromRoot } from '../../kernel/paths';
import { AgentClient, type HandoffListJson } from '../../testkit/agentClient';
import { launchChromium } from '../../testkit/browser';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const SHOTS = fromRoot('test-output/screenshots');
const SECRET = 'direct-line-secret-for-tests-0123';
/** A 1×1 PNG: what a customer's photo of a wrong order would be, in small. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * The official Web Chat bundle (botframework-webchat from npm, unmodified, default settings) on a
 * page served from another origin than kefu — as a shop embeds it — talking to kefu's Direct Line:
 * the bot answers, a person takes over and replies, a picture reaches the agent. Once over the
 * WebSocket stream (Web Chat's default), once polling.
 */
describe('the official Web Chat (botframework-webchat 4.18, from another origin) against kefu’s Direct Line', function () {
  this.timeout(90_000);
  let kefu: RunningKefu;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The shop's own site: another port, so another origin. It serves the npm package's bundle as is.
    const app = express();
    app.get('/webchat.js', (_req, res) => res.sendFile(fromRoot('node_modules/botframework-webchat/dist/webchat.js')));
    app.get('/', (req, res) => {
      const { token, domain, webSocket } = req.query as Record<string, string>;
      res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>
<div id="webchat" style="height:640px;width:480px"></div>
<script src="/webchat.js"></script>
<script>
  // Web Chat's defaults; only the polling run turns the WebSocket off.
  const options = ${JSON.stringify(webSocket === 'false' ? { token, domain, webSocket: false } : { token, domain })};
  window.WebChat.renderWebChat({ directLine: window.WebChat.createDirectLine(options), locale: 'zh-CN' }, document.getElementById('webchat'));
</script></body></html>`);
    });
    site = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    siteUrl = `http://127.0.0.1:${String((site.address() as AddressInfo).port)}`;
    kefu = await startKefu({ DIRECTLINE_SECRET: SECRET, DIRECTLINE_ALLOWED_ORIGINS: siteUrl, AGENTS_FILE: 'test/fixtures/agents.test.json' });
    browser = await launchChromium();
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await (browser as Browser | undefined)?.close();
    await (kefu as RunningKefu | undefined)?.close();
    await new Promise((resolve) => site.close(resolve));
  });

  for (const webSocket of [true, false]) {
    it(`chats with the bot, reaches an agent, gets the agent's reply, and sends a picture the agent sees (${webSocket ? 'default: WebSocket' : 'webSocket: false'})`, async () => {
      const gen = await fetch(`${kefu.url}/v3/directline/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: `shop-user-${String(webSocket)}` } }),
      });
      const { token, conversationId } = (await gen.json()) as { token: string; conversationId: string };
      const context = await browser.newContext({ viewport: { width: 520, height: 720 }, locale: 'zh-CN' });
      contexts.push(context);
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (e) => failures.push(e.message));
      page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
      const query = new URLSearchParams({ token, domain: `${kefu.url}/v3/directline`, webSocket: String(webSocket) });
      await page.goto(`${siteUrl}/?${query.toString()}`);
      const input = page.locator('.webchat__send-box-text-box__input');
      const say = async (text: string) => {
        await input.fill(text);
        await input.press('Enter');
      };
      await page.getByText('您好，感谢联系', { exact: false }).first().waitFor({ timeout: 20_000 });
      await say('怎么开发票');
      await page.getByText('申请开票', { exact: false }).first().waitFor();

      const alice = new AgentClient(kefu.url, 'test-token-alice');
      await alice.online();
      await say('转人工');
      await page.getByText('已为您接通人工客服 Alice', { exact: false }).first().waitFor();
      const h = ((await alice.call('GET', '/handoffs')).body as HandoffListJson).items.find((x) => x.conversationId === conversationId);
      if (!h) throw new Error('the handoff is not Alice’s');
      const reply = webSocket ? '您好，我是 Alice，请把问题发给我' : '您好，我是 Alice（轮询）';
      expect((await alice.call('POST', `/handoffs/${h.id}/messages`, { text: reply })).status).to.equal(202);
      await page.getByText(reply).first().waitFor();

      // A picture through Web Chat's upload button: it reaches the agent's transcript, stored by kefu.
      // Web Chat 4.18 stages the file in the send box (sendAttachmentOn: "send"); the customer adds a word and sends.
      await page.locator('input[type=file]').setInputFiles({ name: 'wrong-order.png', mimeType: 'image/png', buffer: PNG });
      await page.locator('.webchat__attachment-icon--checked').waitFor(); // staged: the upload button shows its check mark
      await say('送错了，看图');
      const deadline = Date.now() + 10_000;
      let shown: { url: string; contentType: string } | undefined;
      while (!shown && Date.now() < deadline) {
        const detail = (await alice.call('GET', `/handoffs/${h.id}`)).body as {
          transcript: Array<{ attachments?: Array<{ url: string; contentType: string }> }>;
        };
        shown = detail.transcript.flatMap((e) => e.attachments ?? []).at(0);
        if (shown === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(shown, `the upload is in the transcript (${failures.join('; ')}) ${kefu.logs.slice(-5).join('\n')}`).not.to.equal(undefined);
      const file = await fetch(shown?.url ?? '');
      expect(file.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).to.equal(true);
      await page.screenshot({ path: join(SHOTS, `official-webchat-${webSocket ? 'websocket' : 'polling'}.png`) });
      await alice.call('POST', `/handoffs/${h.id}/close`, { resolution: '已解答' });
      await alice.call('PUT', '/presence', { status: 'offline' });
      expect(failures, 'no script errors, no failed requests (CORS included)').to.deep.equal([]);
    });
  }
});
