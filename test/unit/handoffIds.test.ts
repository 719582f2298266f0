import { expect } from 'chai';
import { newHandoffId, openWithFreshId } from '../../handoff/engine';
import { MemoryHandoffStore } from '../../infra/memory/handoffStore';
import { record } from '../../testkit/handoffFixtures';

describe('handoff ids', () => {
  it('ids made in the same millisecond differ, and read as 编号 (H, then upper-case letters and digits)', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const ids = Array.from({ length: 20_000 }, () => newHandoffId(now));
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).to.match(/^H[0-9A-Z]{16}$/);
  });

  it('a taken id is replaced by a fresh one, and the handoff that had it is untouched', async () => {
    const store = new MemoryHandoffStore();
    const first = record();
    await store.open(first);
    const clash = { ...record(), id: first.id };
    const opened = await openWithFreshId(store, clash, new Date());
    expect(opened.created).to.equal(true);
    expect(opened.handoff.id).to.not.equal(first.id);
    expect(opened.handoff.conversationId).to.equal(clash.conversationId);
    expect((await store.get(first.id))?.conversationId).to.equal(first.conversationId);
    expect((await store.openFor(clash.conversationId))?.id).to.equal(opened.handoff.id);
  });
});
