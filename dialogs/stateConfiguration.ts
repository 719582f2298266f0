import type { TurnContext } from 'botbuilder';

/** The turn-state key under which botbuilder-dialogs caches its memory scopes and path resolvers for one turn. */
const KEY = 'DialogStateManagerConfiguration';
let shared: unknown;

/**
 * botbuilder-dialogs rebuilds its memory-scope configuration (a service collection and a dependency
 * graph) on the first dialog context of every turn, and keeps it only for that turn: about 3% of a
 * saturated kefu's CPU. The scopes and resolvers hold no per-turn state (each reads the turn it is
 * handed), so the configuration the first turn built is handed to every later turn.
 */
export function reuseDialogStateConfiguration(context: TurnContext): void {
  if (shared !== undefined && context.turnState.get(KEY) === undefined) context.turnState.set(KEY, shared);
}

/** After a turn: keeps the configuration botbuilder built, if this is the first. */
export function keepDialogStateConfiguration(context: TurnContext): void {
  shared ??= context.turnState.get<unknown>(KEY);
}
