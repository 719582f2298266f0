import { expect } from 'chai';
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { NO_RATE_LIMITS, startKefuProcess } from '../../testkit/kefuProcess';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';

interface Received {
  event: string;
  delivery: string;
  valid: boolean;
  body: { id: string; event: string; data: Record<string, unknown> };
}

/**
 * A receiver as the README tells one to be written: it checks X-Kefu-Signature itself (HMAC-SHA256
 * of `timestamp.body`, constant-time) — not with kefu's code. It can be told to fail the first try
 * of each delivery, or to be down.
 */
class Receiver {
  readonly received: Received[] = [];
  failFirst = false;
  down = false;
  private server?: Server;
  private tried = new Set<string>();

  async start(port = 0): Promise<string> {
    const app = express();
    app.post('/hooks', express.raw({ type: 'application/json' }), (req, res) => {
      if (this.down) return void res.status(503).end();
      const raw = (req.body as Buffer).toString('utf8');
      const timestamp = req.header('x-kefu-timestamp') ?? '';
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`);
      const given = Buffer.from(req.header('x-kefu-signature') ?? '');
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      const delivery = req.header('x-kefu-delivery') ?? '';
      if (this.failFirst && !this.tried.has(delivery)) {
        this.tried.add(delivery);
        return void res.status(500).end();
      }
      this.received.push({
        event: req.header('x-kefu-event') ?? '',
        delivery,
        valid: fresh && given.length === expected.length && timingSafeEqual(given, expected),
        body: JSON.parse(raw) as Received['body'],
      });
      res.status(204).end();
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}/hooks`;
  }

  async until(check: (r: Received[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.received)) {
      if (Date.now() > deadline) throw new Error(`webhooks not received: ${JSON.stringify(this.received.map((r) => r.event))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function hooksFile(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-webhooks-'));
  const file = join(dir, 'webhooks.json');
  const events = ['handoff.opened', 'handoff.assigned', 'handoff.transferred', 'handoff.closed', 'survey.received', 'handoff.sla_breached'];
  writeFileSync(file, JSON.stringify({ webhooks: [{ id: 'crm', url, secret: SECRET, events }] }));
  return file;
}

describe('signed webhooks from a durable outbox', function () {
  this.timeout(60_000);

  it('a handoff’s life reaches the receiver signed — opened, assigned, closed, survey — each retried after a failure with the same delivery ID, no message text in them', async () => {
    const receiver = new Receiver();
    receiver.failFirst = true;
    const url = await receiver.start();
    const channel = new ConnectorStub(); // the customer's channel: the survey after the close goes there
    const serviceUrl = await channel.start();
    let kefu: RunningKefu | undefined;
    try {
      kefu = await startKefu({ WEBHOOKS_FILE: hooksFile(url), AGENTS_FILE: 'test/fixtures/agents.test.json' });
      const alice = new AgentClient(kefu.url, 'test-token-alice');
      await alice.online();
      const c = new BotClient(kefu.url);
      await c.say('转人工 我的手机是13812341234', { serviceUrl });
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h?.status).to.equal('assigned');
      await alice.call('POST', `/handoffs/${h?.id ?? ''}/close`, { resolution: '已解答' });
      await c.say('5 5 5 5 5', { serviceUrl });
      await receiver.until((r) => ['handoff.opened', 'handoff.assigned', 'handoff.closed', 'survey.received'].every((e) => r.some((x) => x.event === e)));
      const mine = receiver.received.filter((r) => r.body.data.handoffId === h?.id);
      expect(mine.map((r) => r.event)).to.include.members(['handoff.opened', 'handoff.assigned', 'handoff.closed', 'survey.received']);
      expect(
        mine.every((r) => r.valid),
        'every signature verifies',
      ).to.equal(true);
      expect(mine.every((r) => r.body.id === r.delivery && r.body.event === r.event)).to.equal(true);
      expect(new Set(mine.map((r) => r.delivery)).size, 'one delivery ID per event').to.equal(mine.length);
      expect(JSON.stringify(mine)).not.to.contain('13812341234');
      expect(mine.find((r) => r.event === 'survey.received')?.body.data).to.deep.include({ flagged: false });
      // Every one failed once first: what arrived is the retry, with the delivery ID of the first try.
      expect(kefu.logs.filter((l) => l.includes('webhook delivery failed, retrying')).length).to.be.at.least(4);
    } finally {
      await kefu?.close();
      await receiver.close();
      await channel.close();
    }
  });

  it('nothing lost: the receiver is down and the instance that queued the deliveries is killed -9; another instance delivers them when the receiver is back', async () => {
    const redis = await testRedis();
    const receiver = new Receiver();
    receiver.down = true;
    const url = await receiver.start();
    const env = {
      REDIS_URL: redis.url,
      REDIS_NAMESPACE: uniqueNamespace('hooks'),
      WEBHOOKS_FILE: hooksFile(url),
      AGENTS_FILE: 'test/fixtures/agents.test.json',
      ...NO_RATE_LIMITS,
    };
    const a = await startKefuProcess(env);
    const b = await startKefuProcess(env);
    try {
      const c = new BotClient(a.url);
      await c.say('转人工');
      // A tried and failed: the next attempts are in the store's outbox, not in A's memory.
      await new Promise((r) => setTimeout(r, 500));
      await a.kill('SIGKILL');
      receiver.down = false;
      await receiver.until((r) => r.some((x) => x.event === 'handoff.opened'), 30_000);
      expect(receiver.received.filter((x) => x.event === 'handoff.opened').every((x) => x.valid)).to.equal(true);
    } finally {
      await Promise.all([a.kill('SIGKILL'), b.kill('SIGKILL')]);
      await receiver.close();
    }
  });
});
