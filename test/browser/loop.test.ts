import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fromRoot } from '../../kernel/paths';
import { launchChromium } from '../../testkit/browser';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const SHOTS = fromRoot('test-output/screenshots');

/** Customer on /chat, agent on /console, in a real Chromium (testkit/browser.ts finds one). */
describe('in a real browser: /chat and /console', function () {
  this.timeout(60_000);
  let kefu: RunningKefu;
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json' });
    browser = await launchChromium();
  });
  after(async () => {
    // Each is unset when before() failed ahead of it.
    await (browser as Browser | undefined)?.close();
    await (kefu as RunningKefu | undefined)?.close();
  });

  const open = async (path: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${kefu.url}${path}`);
    return page;
  };
  const say = async (chat: Page, text: string) => {
    await chat.fill('#input', text);
    await chat.click('#send');
  };
  const signIn = async (token: string) => {
    const consolePage = await open('/console');
    await consolePage.fill('#token', token);
    await consolePage.click('#login-form button');
    await consolePage.waitForSelector('#app:not([hidden])');
    return consolePage;
  };

  it('a customer asks for a person; the agent sees it, claims, reads the context, replies, closes; the customer gets the reply and the survey', async () => {
    const chat = await open('/chat');
    await chat.waitForSelector('.msg.bot');
    expect(await chat.locator('.quick-replies button').allTextContents()).to.include('转人工');
    const agent = await signIn('test-token-alice');

    await say(chat, '查物流 KF202611220001');
    await chat.waitForSelector('text=后四位');
    await say(chat, '1234');
    await chat.waitForSelector('text=配送中');
    await say(chat, '转人工');
    await chat.waitForSelector('text=登记回电');

    // Live: the handoff appears in the agent's queue without a reload.
    const item = agent.locator('.qitem', { hasText: '订单 KF202611220001' });
    await item.waitFor();
    await agent.screenshot({ path: join(SHOTS, 'console-queue.png') });
    await item.locator('button.claim').click();
    const panel = agent.locator('.panel');
    await panel.waitFor();
    await panel.locator('.transcript', { hasText: '查物流 KF202611220001' }).waitFor();
    expect(await panel.locator('.summary').textContent()).to.contain('已验证');
    expect(await panel.locator('.orders').textContent()).to.contain('KF202611220001');
    await chat.waitForSelector('text=已接入');

    await say(chat, '骑手在哪里？');
    await panel.locator('.transcript', { hasText: '骑手在哪里？' }).waitFor();
    await panel.locator('form.reply textarea').fill('您好，骑手还有5分钟送达，请稍候');
    await panel.locator('form.reply button.send').click();
    await chat.waitForSelector('.msg.agent >> text=骑手还有5分钟送达');
    await agent.screenshot({ path: join(SHOTS, 'console-conversation.png') });

    await panel.locator('.resolution').fill('已催促骑手');
    await panel.locator('button.close').click();
    await panel.locator('.confirm-yes').click(); // closing is confirmed first
    await chat.waitForSelector('text=请为本次服务打分');
    await chat.screenshot({ path: join(SHOTS, 'chat-survey.png') });
    await say(chat, '5 5 5 4 5');
    await chat.waitForSelector('text=感谢您的评价');
  });

  it('a reply with a forbidden phrase is flagged before it is sent', async () => {
    const chat = await open('/chat');
    await chat.waitForSelector('.msg.bot');
    const agent = await signIn('test-token-bob');
    await agent.selectOption('#presence', 'online');
    await say(chat, '转人工');
    const panel = agent.locator('.panel');
    await panel.waitFor();
    await panel.locator('form.reply textarea').fill('请把验证码发给我');
    await panel.locator('.flag:not([hidden])').waitFor();
    expect(await panel.locator('form.reply button.send').isDisabled()).to.equal(true);
  });

  it('script and HTML payloads from a customer are shown as text and never run', async () => {
    const chat = await open('/chat');
    await chat.waitForSelector('.msg.bot');
    const agent = await signIn('test-token-sue');
    await agent.selectOption('#presence', 'online');
    const payloads = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload="window.__xss=3">'];
    await say(chat, '转人工');
    const panel = agent.locator('.panel');
    await panel.waitFor();
    for (const p of payloads) {
      await say(chat, p);
      await panel.locator('.transcript', { hasText: p }).waitFor();
    }
    await agent.screenshot({ path: join(SHOTS, 'console-xss.png') });
    expect(await agent.evaluate(() => (globalThis as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await chat.evaluate(() => (globalThis as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await agent.locator('.panel img, .panel script, .panel svg').count()).to.equal(0);
    expect(await chat.locator('.messages img, .messages script, .messages svg').count()).to.equal(0);
  });
});
