import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../kernel/paths';
import type { Redis } from './connection';

/**
 * Every Lua script kefu runs, one atomic transition each. A script's file is `name-N.lua`, N being
 * its number of KEYS (as BullMQ names its commands), so the count lives with the script.
 */
export const SCRIPT_NAMES = [
  'open',
  'claim',
  'claimNext',
  'transfer',
  'close',
  'toCallback',
  'saveSurvey',
  'takeDue',
  'storageWrite',
  'compareAndDelete',
  'dlAppend',
  'dlSince',
  'requeue',
  'recordHandleTime',
  'scheduleTimer',
  'setCallbackPhone',
  'replacePacket',
  'extendLock',
  'compareAndSet',
  'increment',
  'appendTranscript',
  'openOrArm',
  'recordCustomer',
  'waitingWith',
  'slaBreached',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];
const LUA_DIR = fromRoot('infra/redis/lua');

interface Script {
  lua: string;
  sha: string;
  keys: number;
}

declare const scriptsChecked: unique symbol;
/** A connection whose scripts were checked at start-up (see loadScripts). */
export type RedisWithScripts = Redis & { readonly [scriptsChecked]: true };

let catalogue: Map<ScriptName, Script> | undefined;

/** Every script by name, its SHA1 and its key count (read from the file name), read once per process. */
function scripts(): Map<ScriptName, Script> {
  if (catalogue) return catalogue;
  const found = new Map<ScriptName, Script>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = /^([A-Za-z]+)-(\d+)\.lua$/.exec(file);
    if (!m) continue;
    const lua = readFileSync(join(LUA_DIR, file), 'utf8');
    found.set(m[1] as ScriptName, { lua, sha: createHash('sha1').update(lua).digest('hex'), keys: Number(m[2]) });
  }
  for (const name of SCRIPT_NAMES) if (!found.has(name)) throw new Error(`Lua script ${name}-N.lua is missing from ${LUA_DIR}`);
  catalogue = found;
  return found;
}

/** Checks every script file is there (start-up fails naming the missing one). */
export function loadScripts(redis: Redis): RedisWithScripts {
  scripts();
  return redis as RedisWithScripts;
}

/**
 * Runs a script by name: EVALSHA, and EVAL (which caches it again) when the server does not know
 * it (a restarted Redis, a new cluster node). Not ioredis's defineCommand: that copies every
 * defined script onto each pipeline it makes (auto-pipelining, since turned off, made one per
 * flush); with 23 scripts that copy was the biggest single allocation of a turn.
 */
export async function run(redis: RedisWithScripts, name: ScriptName, ...args: Array<string | number | Buffer>): Promise<unknown> {
  const script = scripts().get(name) as Script;
  try {
    return await redis.evalsha(script.sha, script.keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.lua, script.keys, ...args);
  }
}

/** What a transition script answers when it refuses: named here, mapped to the store's errors in one place. */
export const ScriptCode = {
  ok: 1,
  notFound: -1,
  notQueued: -2,
  atCapacity: -3,
  notYours: -4,
  closed: -5,
  /** open: the new handoff's id is already another handoff's. */
  idTaken: -6,
  /** storageWrite: the item changed since it was read. */
  eTagConflict: -1,
} as const;

export const SCRIPT_ERRORS = {
  [ScriptCode.notFound]: 'not_found',
  [ScriptCode.notQueued]: 'not_queued',
  [ScriptCode.atCapacity]: 'at_capacity',
  [ScriptCode.notYours]: 'not_yours',
  [ScriptCode.closed]: 'closed',
} as const;
