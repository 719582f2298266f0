import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { AgentDirectory, hashToken, type Agent } from '../../handoff/agents';
import { Dispatcher } from '../../handoff/dispatcher';
import { RoutingFile } from '../../handoff/routing';
import { MemoryEventBus } from '../../infra/memory/eventBus';
import { MemoryHandoffStore } from '../../infra/memory/handoffStore';
import { fromRoot } from '../../kernel/paths';
import { record } from '../../testkit/handoffFixtures';

describe('dispatch: callback tickets', () => {
  it('a ticket an agent with room can take is given out, however many earlier tickets no one online can take', async () => {
    const store = new MemoryHandoffStore();
    const payments: Agent = {
      id: 'pay',
      name: 'Pay',
      skills: ['payments'],
      tier: 1,
      capacity: 2,
      supervisor: false,
      locale: 'zh-CN',
      tokenSha256: hashToken('t'),
    };
    const routing = RoutingFile.parse(JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')));
    const dispatcher = new Dispatcher({ store, events: new MemoryEventBus(), agents: new AgentDirectory([payments]), routing, clock: () => new Date() });
    const t = Date.now();
    // 250 tickets for the food-safety team (nobody online), promised before the one for payments.
    for (let i = 0; i < 250; i += 1) {
      const r = record({ group: 'food_safety' });
      await store.open(r);
      await store.toCallback(r.id, t, { dueAt: t + 60_000 + i });
    }
    const mine = record({ group: 'payments' });
    await store.open(mine);
    await store.toCallback(mine.id, t, { dueAt: t + 3_600_000 });
    await store.setPresence('pay', 'online');
    const given = await dispatcher.dispatch();
    expect(given.map((a) => [a.handoff.id, a.agent.id])).to.deep.equal([[mine.id, 'pay']]);
    expect((await store.get(mine.id))?.status).to.equal('assigned');
  });
});
