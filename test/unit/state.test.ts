import { expect } from 'chai';
import type { StoreItem } from 'botbuilder';
import { BoundedMemoryStorage } from '../../infra/memory/storage';
import { TurnQueue } from '../../infra/memory/turnQueue';

describe('BoundedMemoryStorage', () => {
  it('evicts the least recently written conversation past the bound', async () => {
    const s = new BoundedMemoryStorage(2, 60_000);
    await s.write({ a: { v: 1 }, b: { v: 2 } });
    await s.write({ a: { v: 3 } });
    await s.write({ c: { v: 4 } });
    expect(Object.keys(await s.read(['a', 'b', 'c'])).sort()).to.deep.equal(['a', 'c']);
  });
  it('expires entries idle longer than the TTL', async () => {
    let t = 0;
    const s = new BoundedMemoryStorage(10, 1000, () => t);
    await s.write({ a: { v: 1 } });
    t = 500;
    expect(await s.read(['a'])).to.have.property('a');
    t = 1600;
    expect(await s.read(['a'])).to.deep.equal({});
  });
  it('rejects a stale eTag and accepts "*"', async () => {
    const s = new BoundedMemoryStorage(10, 60_000);
    await s.write({ a: { v: 1 } });
    const a = (await s.read(['a'])).a as StoreItem;
    await s.write({ a: { ...a, v: 2 } });
    let error: unknown;
    await s.write({ a: { ...a, v: 3 } }).catch((e: unknown) => {
      error = e;
    });
    expect(String(error)).to.contain('eTag conflict');
    await s.write({ a: { v: 4, eTag: '*' } });
    expect((await s.read(['a'])).a).to.include({ v: 4 });
  });
});

describe('TurnQueue', () => {
  it('runs the turns of one conversation one at a time, in order, even when one fails', async () => {
    const q = new TurnQueue();
    const log: string[] = [];
    const turn = (name: string, ms: number, fail = false) =>
      q.run('c1', async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    await Promise.allSettled([turn('a', 20, true), turn('b', 1), turn('c', 5)]);
    expect(log).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(q.pending).to.equal(0);
  });
  it('lets different conversations run side by side', async () => {
    const q = new TurnQueue();
    const log: string[] = [];
    await Promise.all(
      ['x', 'y'].map((k) =>
        q.run(k, async () => {
          log.push(`start ${k}`);
          await new Promise((r) => setTimeout(r, 10));
          log.push(`end ${k}`);
        }),
      ),
    );
    expect(log.slice(0, 2)).to.deep.equal(['start x', 'start y']);
  });
});
