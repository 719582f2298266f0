import type { BotState, StatePropertyAccessor, TurnContext } from 'botbuilder';

/**
 * A state property read like botbuilder's own accessor, without its two generator-based awaits once
 * the turn's state is loaded: the bot reads the profile and the dialog stack a dozen times a turn,
 * and those reads were about 2% of a saturated kefu's CPU. Before the first load it is botbuilder's
 * accessor (which loads the state).
 */
export function stateProperty<T>(state: BotState, name: string): StatePropertyAccessor<T> {
  const inner = state.createProperty<T>(name);
  const loaded = (context: TurnContext): Record<string, unknown> | undefined => state.get(context) as Record<string, unknown> | undefined;
  return {
    get: (context: TurnContext, defaultValue?: T): Promise<T | undefined> => {
      const obj = loaded(context);
      if (!obj) return inner.get(context, defaultValue as T);
      if (!Object.prototype.hasOwnProperty.call(obj, name) && defaultValue !== undefined) {
        // As botbuilder does: the default is copied, never shared between conversations.
        obj[name] = typeof defaultValue === 'object' ? (JSON.parse(JSON.stringify(defaultValue)) as T) : defaultValue;
      }
      return Promise.resolve(obj[name] as T | undefined);
    },
    set: (context: TurnContext, value: T): Promise<void> => {
      const obj = loaded(context);
      if (!obj) return inner.set(context, value);
      obj[name] = value;
      return Promise.resolve();
    },
    delete: (context: TurnContext): Promise<void> => {
      const obj = loaded(context);
      if (!obj) return inner.delete(context);
      Reflect.deleteProperty(obj, name);
      return Promise.resolve();
    },
  } as StatePropertyAccessor<T>;
}
