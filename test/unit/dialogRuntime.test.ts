import { expect } from 'chai';
import * as botbuilderDialogs from 'botbuilder-dialogs';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity, type StoreItems } from 'botbuilder';
import * as kefuDialogs from '../../dialogs/runtime';

/*
 * kefu's dialog runtime stands in for botbuilder-dialogs: the same dialogs, written once against
 * either library, must say the same things turn by turn, store the same stack, and resume a stack
 * the other stored (a deploy that switches runtimes keeps every conversation where it was).
 */

type Lib = typeof kefuDialogs;
const LIBS: Record<'botbuilder-dialogs' | 'kefu', Lib> = { 'botbuilder-dialogs': botbuilderDialogs as unknown as Lib, kefu: kefuDialogs };

interface RootOptions {
  name?: string;
}

/** A small bot exercising what kefu's dialogs use: components in components, prompts with validators and retries, next, replace, cancel, results. */
function buildDialogs(lib: Lib, state: ConversationState): kefuDialogs.DialogSet {
  class Colour extends lib.ComponentDialog {
    constructor() {
      super('colour');
      this.addDialog(new lib.TextPrompt('colour.ask', async (pc) => /^(red|blue)$/.test(pc.recognized.value ?? '')));
      this.addDialog(
        new lib.WaterfallDialog('colour.flow', [
          async (step) =>
            step.prompt('colour.ask', {
              prompt: { type: 'message', text: 'colour?', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'red', value: 'red' }] } },
              retryPrompt: 'red or blue',
            }),
          async (step) => step.endDialog(`${String(step.result)}!`),
        ]),
      );
      this.initialDialogId = 'colour.flow';
    }
  }

  class Root extends lib.ComponentDialog {
    constructor() {
      super('root');
      this.addDialog(new lib.TextPrompt('name', async (pc) => (/^[A-Z][a-z]+$/.test(pc.recognized.value ?? '') ? true : pc.attemptCount >= 2)));
      this.addDialog(
        new lib.TextPrompt('age', async (pc) => {
          if (/^\d+$/.test(pc.recognized.value ?? '')) return true;
          if (pc.recognized.value === 'why') await pc.context.sendActivity('to know'); // answered: no retry prompt after it
          return false;
        }),
      );
      this.addDialog(new Colour());
      this.addDialog(
        new lib.WaterfallDialog<RootOptions>('root.flow', [
          async (step) => (step.options.name ? step.next(step.options.name) : step.prompt('name', { prompt: 'name?', retryPrompt: 'a name, please' })),
          async (step) => {
            step.values.name = step.result;
            return step.prompt('age', 'age?');
          },
          async (step) => {
            step.values.age = step.result;
            if (step.result === '0') return step.replaceDialog('root.flow', { name: step.values.name });
            return step.beginDialog('colour');
          },
          async (step) => {
            await step.context.sendActivity(`${String(step.values.name)} ${String(step.values.age)} ${String(step.result)}`);
            return step.endDialog({ name: step.values.name, colour: step.result });
          },
        ]),
      );
      this.initialDialogId = 'root.flow';
    }

    protected override async onContinueDialog(inner: kefuDialogs.DialogContext): Promise<kefuDialogs.DialogTurnResult> {
      const text = inner.context.activity.text;
      if (text === 'cancel') {
        await inner.cancelAllDialogs();
        await inner.context.sendActivity('cancelled');
        return inner.endDialog();
      }
      if (text === 'restart') {
        await inner.cancelAllDialogs();
        return inner.beginDialog('root.flow');
      }
      if (text === 'where') {
        let dc = inner;
        while (dc.child) dc = dc.child;
        await inner.context.sendActivity(`at ${dc.activeDialog?.id ?? 'nothing'}`);
        return lib.Dialog.EndOfTurn;
      }
      return super.onContinueDialog(inner);
    }
  }

  return new lib.DialogSet(state.createProperty<kefuDialogs.DialogState>('dialogState')).add(new Root());
}

type Said = Partial<Pick<Activity, 'text' | 'inputHint' | 'suggestedActions'>>;

/** One conversation's turns through one library: what the bot said each turn, and the stored stack after it. */
class Conversation {
  private readonly state: ConversationState;
  private readonly adapter = new TestAdapter();

  constructor(readonly storage: MemoryStorage) {
    this.state = new ConversationState(storage);
  }

  async turn(lib: Lib, said: string | { type: string }): Promise<{ replies: Said[]; stack: unknown }> {
    const activity = typeof said === 'string' ? { type: 'message', text: said } : said;
    const context = new TurnContext(this.adapter, {
      ...activity,
      deliveryMode: 'expectReplies', // replies are buffered on the context, and `responded` is set as on a live turn
      channelId: 'test',
      from: { id: 'u', name: 'u' },
      recipient: { id: 'bot', name: 'bot' },
      conversation: { id: 'c', isGroup: false, conversationType: '', name: '' },
    });
    const replies: Said[] = [];
    context.onSendActivities(async (_ctx, activities, next) => {
      replies.push(...activities.map(({ text, inputHint, suggestedActions }) => ({ text, inputHint, suggestedActions })));
      return next();
    });
    const dc = await buildDialogs(lib, this.state).createContext(context);
    const result = await dc.continueDialog();
    if (result.status === lib.DialogTurnStatus.complete) await context.sendActivity(`complete ${JSON.stringify(result.result)}`);
    if (result.status === lib.DialogTurnStatus.empty && activity.type === 'message') await dc.beginDialog('root');
    await this.state.saveChanges(context);
    const items: StoreItems = await this.storage.read(['test/conversations/c/']);
    return { replies, stack: comparable((items['test/conversations/c/'] as { dialogState?: unknown } | undefined)?.dialogState) };
  }
}

/** A stored stack without what only botbuilder-dialogs keeps: telemetry's waterfall instance ids and a component's version hash. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'instanceId' && k !== 'version')
      .map(([k, v]) => [k, comparable(v)]),
  );
}

const SCRIPTS: Record<string, Array<string | { type: string }>> = {
  'a full run: a retried name, a wrong colour, a result passed up two levels': ['hi', '123', 'Ann', 'x', '30', 'green', 'blue', 'hello again'],
  'a validator that gives up on the second attempt, and a validator that answers for itself': ['hi', '1', '2', 'why', 'old', '40', 'red'],
  'replace, cancel from deep inside, restart, and where the innermost dialog is': [
    'hi',
    'Bo',
    '0',
    'where',
    '20',
    'where',
    'cancel',
    'hi',
    'Cy',
    'restart',
    'Di',
    '40',
    'red',
  ],
  'activities that are not messages leave every dialog waiting': [
    'hi',
    { type: 'typing' },
    'Ed',
    { type: 'event' },
    '50',
    { type: 'conversationUpdate' },
    'blue',
  ],
};

describe('dialog runtime: behaves and stores as botbuilder-dialogs does', () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(`${name}: the same replies and the same stored stack, turn by turn`, async () => {
      const theirs = new Conversation(new MemoryStorage());
      const ours = new Conversation(new MemoryStorage());
      for (const said of script) {
        const expected = await theirs.turn(LIBS['botbuilder-dialogs'], said);
        const got = await ours.turn(LIBS.kefu, said);
        expect(got, `after ${JSON.stringify(said)}`).to.deep.equal(expected);
      }
    });
  }

  it('a stack stored by either resumes in the other at any turn, and the conversation goes on as if nothing changed', async () => {
    const script = SCRIPTS['replace, cancel from deep inside, restart, and where the innermost dialog is'];
    const reference = new Conversation(new MemoryStorage());
    const expected: unknown[] = [];
    for (const said of script) expected.push((await reference.turn(LIBS['botbuilder-dialogs'], said)).replies);
    for (const [first, then] of [
      ['botbuilder-dialogs', 'kefu'],
      ['kefu', 'botbuilder-dialogs'],
    ] as const) {
      for (let switchAt = 1; switchAt < script.length; switchAt++) {
        const c = new Conversation(new MemoryStorage());
        const got: unknown[] = [];
        for (const [i, said] of script.entries()) got.push((await c.turn(LIBS[i < switchAt ? first : then], said)).replies);
        expect(got, `${first} until turn ${switchAt}, then ${then}`).to.deep.equal(expected);
      }
    }
  });

  it('a stored stack naming a dialog that no longer exists fails with the message the bot resets on', async () => {
    const c = new Conversation(new MemoryStorage());
    await c.turn(LIBS.kefu, 'hi');
    const key = 'test/conversations/c/';
    const stored = (await c.storage.read([key]))[key] as { dialogState: kefuDialogs.DialogState };
    stored.dialogState.dialogStack[0].id = 'gone';
    await c.storage.write({ [key]: { ...stored, eTag: '*' } });
    let message = '';
    try {
      await c.turn(LIBS.kefu, 'Ann');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/wasn't found/);
  });
});
