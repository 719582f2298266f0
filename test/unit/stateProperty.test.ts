import { expect } from 'chai';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type StatePropertyAccessor } from 'botbuilder';
import { stateProperty } from '../../dialogs/stateProperty';

function turn(adapter: TestAdapter, conversation: string): TurnContext {
  return new TurnContext(adapter, {
    type: 'message',
    channelId: 'test',
    conversation: { id: conversation, isGroup: false, conversationType: '', name: '' },
    text: 'hi',
  });
}

/** The same steps through either accessor: what a turn reads, writes, then what the next turn sees. */
async function run(make: (state: ConversationState) => StatePropertyAccessor<{ count: number; list: string[] }>): Promise<unknown[]> {
  const state = new ConversationState(new MemoryStorage());
  const accessor = make(state);
  const adapter = new TestAdapter();
  const seen: unknown[] = [];
  const a = turn(adapter, 'a');
  seen.push(await accessor.get(a)); // before any load: undefined
  const fresh = await accessor.get(a, { count: 0, list: [] });
  fresh.count += 1;
  fresh.list.push('x');
  seen.push(await accessor.get(a, { count: 99, list: [] })); // the stored value, not the new default
  await state.saveChanges(a);
  const b = turn(adapter, 'b');
  const other = await accessor.get(b, { count: 0, list: [] });
  seen.push(other); // a default copied afresh: not the first conversation's
  await accessor.set(b, { count: 7, list: ['y'] });
  await state.saveChanges(b);
  const a2 = turn(adapter, 'a');
  seen.push(await accessor.get(a2));
  await accessor.delete(a2);
  seen.push(await accessor.get(a2));
  await state.saveChanges(a2);
  const b2 = turn(adapter, 'b');
  seen.push(await accessor.get(b2));
  seen.push(await accessor.get(turn(adapter, 'a')));
  return seen;
}

describe('stateProperty: reads and writes a state property as botbuilder’s accessor does', () => {
  it('gives the same values through a sequence of turns (load, default, set, delete, save)', async () => {
    const ours = await run((state) => stateProperty(state, 'p'));
    const theirs = await run((state) => state.createProperty('p'));
    expect(ours).to.deep.equal(theirs);
    expect(ours).to.deep.equal([
      undefined,
      { count: 1, list: ['x'] },
      { count: 0, list: [] },
      { count: 1, list: ['x'] },
      undefined,
      { count: 7, list: ['y'] },
      undefined,
    ]);
  });
});
