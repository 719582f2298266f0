import { ActivityTypes, InputHints, type Activity, type TurnContext } from 'botbuilder';

/**
 * kefu's dialog runtime: the part of botbuilder-dialogs kefu uses — dialog sets and contexts,
 * component dialogs, waterfalls and text prompts — with the same names, the same behaviour and the
 * same stored stack (`{ dialogStack: [{ id, state }] }`, a component's inner stack under
 * `state.dialogs`, a waterfall's `options`/`values`/`stepIndex`, a prompt's `options`/`state`), so a
 * conversation stored by either reads in the other.
 *
 * Why not botbuilder-dialogs itself: every DialogContext it creates (three to five a turn) builds a
 * memory-scope manager with its own service collection and dependency graph, and writes the activity
 * into it through a path parser; none of it is used here. On a saturated kefu that machinery was
 * 11–13% of the CPU and a third of all allocations (BENCHMARKS.md, Notes). Left out with it:
 * telemetry, dialog events, adaptive memory paths and version-change events, none of which kefu uses.
 */

export enum DialogTurnStatus {
  empty = 'empty',
  waiting = 'waiting',
  complete = 'complete',
  cancelled = 'cancelled',
}

export enum DialogReason {
  beginCalled = 'beginCalled',
  continueCalled = 'continueCalled',
  endCalled = 'endCalled',
  replaceCalled = 'replaceCalled',
  cancelCalled = 'cancelCalled',
  nextCalled = 'nextCalled',
}

// Results, options and stored state are whatever each dialog makes of them, as in botbuilder-dialogs.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface DialogTurnResult<T = any> {
  status: DialogTurnStatus;
  result?: T;
}

export interface DialogInstance<T = any> {
  id: string;
  state: T;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface DialogState {
  dialogStack: DialogInstance[];
}

/** Where the dialog stack lives between turns (a conversation-state property). */
export interface DialogStateProperty {
  get(context: TurnContext, defaultValue: DialogState): Promise<DialogState | undefined>;
}

export abstract class Dialog<O extends object = object> {
  /** Ends the turn, the dialog still active (waiting for the customer's next message). */
  static readonly EndOfTurn: DialogTurnResult = Object.freeze({ status: DialogTurnStatus.waiting });

  constructor(readonly id: string) {}

  abstract beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult>;

  /** The customer spoke while this dialog was active; by default it ends. */
  continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return dc.endDialog();
  }

  /** The dialog it started ended, with this result; by default this one ends with it. */
  resumeDialog(dc: DialogContext, _reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    return dc.endDialog(result);
  }

  repromptDialog(_context: TurnContext, _instance: DialogInstance): Promise<void> {
    return Promise.resolve();
  }

  /** Told as it leaves the stack (ended, replaced or cancelled). */
  endDialog(_context: TurnContext, _instance: DialogInstance, _reason: DialogReason): Promise<void> {
    return Promise.resolve();
  }
}

/** Named dialogs, and the stored stack they run on. */
export class DialogSet {
  private readonly dialogs = new Map<string, Dialog>();

  constructor(private readonly state?: DialogStateProperty) {}

  add(dialog: Dialog): this {
    const known = this.dialogs.get(dialog.id);
    if (known && known !== dialog) throw new Error(`DialogSet.add(): a dialog with the id '${dialog.id}' was already added.`);
    this.dialogs.set(dialog.id, dialog);
    return this;
  }

  find(id: string): Dialog | undefined {
    return this.dialogs.get(id);
  }

  async createContext(context: TurnContext): Promise<DialogContext> {
    if (!this.state) throw new Error('DialogSet.createContext(): the dialog set was not bound to a state property.');
    const state = (await this.state.get(context, { dialogStack: [] })) ?? { dialogStack: [] };
    return new DialogContext(this, context, state);
  }
}

/** Options of a prompt: what it asks, and what it asks after an answer it could not take. */
export interface PromptOptions {
  prompt?: string | Partial<Activity>;
  retryPrompt?: string | Partial<Activity>;
}

/** One turn of one dialog stack: its dialogs, its stack, and the stack of the dialog containing it. */
export class DialogContext {
  readonly stack: DialogInstance[];

  constructor(
    readonly dialogs: DialogSet,
    readonly context: TurnContext,
    state: DialogState,
    readonly parent?: DialogContext,
  ) {
    if (!Array.isArray(state.dialogStack)) state.dialogStack = [];
    this.stack = state.dialogStack;
  }

  get activeDialog(): DialogInstance | undefined {
    return this.stack.at(-1);
  }

  /** The context of the active dialog's own stack, when the active dialog is a component. */
  get child(): DialogContext | undefined {
    const instance = this.activeDialog;
    const dialog = instance ? this.findDialog(instance.id) : undefined;
    return dialog instanceof ComponentDialog ? dialog.createChildContext(this) : undefined;
  }

  /** A dialog of this set, or of a containing one. */
  findDialog(id: string): Dialog | undefined {
    return this.dialogs.find(id) ?? this.parent?.findDialog(id);
  }

  async beginDialog(id: string, options?: object): Promise<DialogTurnResult> {
    const dialog = this.mustFind(id, 'beginDialog');
    this.stack.push({ id, state: {} });
    return dialog.beginDialog(this, options);
  }

  /** Begins a prompt: a bare text or activity is its question. */
  prompt(id: string, promptOrOptions: string | Partial<Activity> | PromptOptions): Promise<DialogTurnResult> {
    const options: PromptOptions =
      typeof promptOrOptions === 'string' || (promptOrOptions as Partial<Activity>).type !== undefined
        ? { prompt: promptOrOptions as string | Partial<Activity> }
        : { ...(promptOrOptions as PromptOptions) };
    return this.beginDialog(id, options);
  }

  async continueDialog(): Promise<DialogTurnResult> {
    const instance = this.activeDialog;
    if (!instance) return { status: DialogTurnStatus.empty };
    return this.mustFind(instance.id, 'continueDialog').continueDialog(this);
  }

  /** Ends the active dialog; the one below it resumes with the result, or the stack completes with it. */
  async endDialog(result?: unknown): Promise<DialogTurnResult> {
    await this.endActiveDialog(DialogReason.endCalled);
    const instance = this.activeDialog;
    if (!instance) return { status: DialogTurnStatus.complete, result };
    return this.mustFind(instance.id, 'endDialog').resumeDialog(this, DialogReason.endCalled, result);
  }

  async replaceDialog(id: string, options?: object): Promise<DialogTurnResult> {
    await this.endActiveDialog(DialogReason.replaceCalled);
    return this.beginDialog(id, options);
  }

  /** Ends every dialog of this stack (components end their own stacks first). */
  async cancelAllDialogs(): Promise<DialogTurnResult> {
    if (this.stack.length === 0) return { status: DialogTurnStatus.empty };
    while (this.stack.length > 0) await this.endActiveDialog(DialogReason.cancelCalled);
    return { status: DialogTurnStatus.cancelled };
  }

  async repromptDialog(): Promise<void> {
    const instance = this.activeDialog;
    if (instance) await this.mustFind(instance.id, 'repromptDialog').repromptDialog(this.context, instance);
  }

  private async endActiveDialog(reason: DialogReason): Promise<void> {
    const instance = this.activeDialog;
    if (!instance) return;
    await this.findDialog(instance.id)?.endDialog(this.context, instance, reason);
    this.stack.pop();
  }

  private mustFind(id: string, during: string): Dialog {
    const dialog = this.findDialog(id);
    // The wording botbuilder-dialogs uses: the bot resets a stored stack that names a dialog gone since.
    if (!dialog) throw new Error(`DialogContext.${during}(): a dialog with an id of '${id}' wasn't found.`);
    return dialog;
  }
}

/** The dialog at the top of the stack: the one being run. */
function activeInstance(dc: DialogContext): DialogInstance {
  const instance = dc.activeDialog;
  if (!instance) throw new Error('A dialog ran with an empty stack.');
  return instance;
}

/** A dialog with its own set of dialogs and its own stack (kept in its state, under `dialogs`). */
export class ComponentDialog<O extends object = object> extends Dialog<O> {
  protected readonly dialogs = new DialogSet();
  protected initialDialogId: string | undefined;

  addDialog(dialog: Dialog): this {
    this.dialogs.add(dialog);
    this.initialDialogId ??= dialog.id;
    return this;
  }

  async beginDialog(outer: DialogContext, options?: O): Promise<DialogTurnResult> {
    const inner = this.createChildContext(outer);
    const turn = await this.onBeginDialog(inner, options);
    if (turn.status === DialogTurnStatus.waiting) return Dialog.EndOfTurn;
    const result: unknown = turn.result;
    const ended = await outer.endDialog(result);
    return turn.status === DialogTurnStatus.cancelled ? { status: DialogTurnStatus.cancelled, result } : ended;
  }

  override async continueDialog(outer: DialogContext): Promise<DialogTurnResult> {
    const turn = await this.onContinueDialog(this.createChildContext(outer));
    return turn.status === DialogTurnStatus.waiting ? Dialog.EndOfTurn : outer.endDialog(turn.result);
  }

  /** Something pushed above the component ended: the component stays, and asks its question again. */
  override async resumeDialog(outer: DialogContext): Promise<DialogTurnResult> {
    const instance = outer.activeDialog;
    if (instance) await this.repromptDialog(outer.context, instance);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.innerContext(context, instance).repromptDialog();
  }

  override async endDialog(context: TurnContext, instance: DialogInstance, reason: DialogReason): Promise<void> {
    if (reason === DialogReason.cancelCalled) await this.innerContext(context, instance).cancelAllDialogs();
  }

  createChildContext(outer: DialogContext): DialogContext {
    return this.innerContext(outer.context, outer.activeDialog ?? { id: this.id, state: {} }, outer);
  }

  protected onBeginDialog(inner: DialogContext, options?: O): Promise<DialogTurnResult> {
    if (this.initialDialogId === undefined) throw new Error(`ComponentDialog '${this.id}' has no dialogs.`);
    return inner.beginDialog(this.initialDialogId, options);
  }

  protected onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return inner.continueDialog();
  }

  private innerContext(context: TurnContext, instance: DialogInstance, parent?: DialogContext): DialogContext {
    const state = instance.state as { dialogs?: DialogState };
    state.dialogs ??= { dialogStack: [] };
    return new DialogContext(this.dialogs, context, state.dialogs, parent);
  }
}

/** A waterfall step's view of its dialog: the turn's context, the step's result, and `next`. */
export class WaterfallStepContext<O extends object = object> extends DialogContext {
  constructor(
    dc: DialogContext,
    readonly index: number,
    readonly options: O,
    readonly values: Record<string, unknown>,
    readonly reason: DialogReason,
    readonly result: unknown,
    private readonly onNext: (result?: unknown) => Promise<DialogTurnResult>,
  ) {
    super(dc.dialogs, dc.context, { dialogStack: dc.stack }, dc.parent);
  }

  /** Skips to the next step with this result (once per step). */
  next(result?: unknown): Promise<DialogTurnResult> {
    return this.onNext(result);
  }
}

export type WaterfallStep<O extends object = object> = (step: WaterfallStepContext<O>) => Promise<DialogTurnResult>;

interface WaterfallState {
  options: object;
  values: Record<string, unknown>;
  stepIndex: number;
}

/** Steps run one after another, each on the customer's next message or on `next`. */
export class WaterfallDialog<O extends object = object> extends Dialog<O> {
  private readonly steps: Array<WaterfallStep<O>>;

  constructor(id: string, steps: Array<WaterfallStep<O>>) {
    super(id);
    this.steps = [...steps];
  }

  async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    const state = activeInstance(dc).state as WaterfallState;
    state.options = options ?? {};
    state.values = {};
    return this.runStep(dc, 0, DialogReason.beginCalled);
  }

  override continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== (ActivityTypes.Message as string)) return Promise.resolve(Dialog.EndOfTurn);
    return this.resumeDialog(dc, DialogReason.continueCalled, dc.context.activity.text);
  }

  override resumeDialog(dc: DialogContext, reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    const state = activeInstance(dc).state as WaterfallState;
    return this.runStep(dc, state.stepIndex + 1, reason, result);
  }

  private async runStep(dc: DialogContext, index: number, reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    if (index >= this.steps.length) return dc.endDialog(result);
    const state = activeInstance(dc).state as WaterfallState;
    state.stepIndex = index;
    let nextCalled = false;
    const step = new WaterfallStepContext<O>(dc, index, state.options as O, state.values, reason, result, (next) => {
      if (nextCalled) throw new Error(`WaterfallStepContext.next(): already called for step ${index} of '${this.id}'.`);
      nextCalled = true;
      return this.resumeDialog(dc, DialogReason.nextCalled, next);
    });
    return this.steps[index](step);
  }
}

export interface PromptRecognizerResult<T> {
  succeeded: boolean;
  value?: T;
}

export interface PromptValidatorContext<T> {
  readonly context: TurnContext;
  readonly recognized: PromptRecognizerResult<T>;
  readonly state: Record<string, unknown>;
  readonly options: PromptOptions;
  /** How many answers this prompt has had, this one included. */
  readonly attemptCount: number;
}

export type PromptValidator<T> = (prompt: PromptValidatorContext<T>) => Promise<boolean>;

interface PromptState {
  options: PromptOptions;
  state: { attemptCount?: number };
}

/** Asks a question and ends with the customer's text, once the validator (if any) takes it. */
export class TextPrompt extends Dialog<PromptOptions> {
  constructor(
    id: string,
    private readonly validator?: PromptValidator<string>,
  ) {
    super(id);
  }

  async beginDialog(dc: DialogContext, options?: PromptOptions): Promise<DialogTurnResult> {
    const opt: PromptOptions = { ...options };
    // A question sent as an activity says, as a text one does, that an answer is expected.
    for (const key of ['prompt', 'retryPrompt'] as const) {
      const ask = opt[key];
      if (ask && typeof ask === 'object' && typeof ask.inputHint !== 'string') ask.inputHint = InputHints.ExpectingInput;
    }
    const state = activeInstance(dc).state as PromptState;
    state.options = opt;
    state.state = {};
    await this.ask(dc.context, opt, false);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== (ActivityTypes.Message as string)) return Dialog.EndOfTurn;
    const state = activeInstance(dc).state as PromptState;
    const text = dc.context.activity.text;
    const recognized: PromptRecognizerResult<string> = typeof text === 'string' && text.length > 0 ? { succeeded: true, value: text } : { succeeded: false };
    let valid = recognized.succeeded;
    if (this.validator) {
      state.state.attemptCount = (state.state.attemptCount ?? 0) + 1;
      valid = await this.validator({ context: dc.context, recognized, state: state.state, options: state.options, attemptCount: state.state.attemptCount });
    }
    if (valid) return dc.endDialog(recognized.value);
    // A validator that answered the customer itself has said what there was to say.
    if (!dc.context.responded) await this.ask(dc.context, state.options, true);
    return Dialog.EndOfTurn;
  }

  override async resumeDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const instance = dc.activeDialog;
    if (instance) await this.repromptDialog(dc.context, instance);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(context, (instance.state as PromptState).options, false);
  }

  private async ask(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
    const ask = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    if (ask) await context.sendActivity(ask, undefined, InputHints.ExpectingInput);
  }
}

/** A step's result as text: a prompt's answer, or '' when the step was skipped to without one. */
export function textOf(result: unknown): string {
  return typeof result === 'string' ? result : '';
}
