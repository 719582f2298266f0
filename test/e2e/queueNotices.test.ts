import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../kernel/paths';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

describe('while waiting in the queue [000 PART03]', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  let stub: ConnectorStub;
  let serviceUrl: string;

  before(async () => {
    // Routing with second-scale timers, so the test need not wait minutes.
    const routing = JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')) as Record<string, unknown>;
    Object.assign(routing, { sla: { urgent: '1s', high: '1s', normal: '1s' }, queueUpdateEvery: '1s', maxWaitBeforeCallbackOffer: '1s' });
    routing.workingHours = { from: '00:00', to: '23:59', timeZone: 'Asia/Shanghai' };
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-routing-')), 'routing.json');
    writeFileSync(file, JSON.stringify(routing));
    stub = new ConnectorStub();
    serviceUrl = await stub.start();
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json', ROUTING_FILE: file, HANDOFF_POLL_MS: '20' });
  });
  after(async () => {
    await kefu.close();
    await stub.close();
  });

  it('is offered a callback once, not the same position again on every beat; can take it; the supervisor hears the SLA breach', async () => {
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    const sue = new AgentClient(kefu.url, 'test-token-sue');
    await sue.listen();
    await alice.online();
    const busy = [new BotClient(kefu.url), new BotClient(kefu.url)];
    for (const c of busy) await c.say('转人工', { serviceUrl });
    const waiting = new BotClient(kefu.url);
    expect(await waiting.say('转人工', { serviceUrl })).to.contain('您前面还有 0 位');
    const texts = () => stub.received.filter((r) => r.conversationId === waiting.conversationId).map((r) => r.body.text ?? '');
    const started = Date.now();
    while (!texts().some((t) => t.includes('回电')) && Date.now() - started < 8000) await new Promise((r) => setTimeout(r, 50));
    expect(texts().filter((t) => t.includes('回复“回电”'))).to.have.length(1);
    // Nothing changed (still first in line, same wait): no "still queued, 0 ahead" on a fixed beat.
    await new Promise((r) => setTimeout(r, 2500));
    expect(texts().filter((t) => t.includes('您仍在排队中'))).to.deep.equal([]);
    expect(
      texts().filter((t) => t.includes('回复“回电”')),
      'the callback is offered once',
    ).to.have.length(1);
    const breach = await sue.waitFor((e) => e.type === 'handoff.sla_warning' && e.conversationId === waiting.conversationId, 8000);
    expect(breach.priority).to.equal('normal');
    expect(await waiting.say('回电', { serviceUrl })).to.contain('已为您登记回电');
    expect((await kefu.kefu.store.openFor(waiting.conversationId))?.status).to.equal('callback');
    sue.stop();
  });
});
