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
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];
const VERSION = 'v2';
const LUA_DIR = fromRoot('infra/redis/lua');

type Command = `kefu_${ScriptName}_${typeof VERSION}`;
export type RedisWithScripts = Redis & Record<Command, (...args: Array<string | number | Buffer>) => Promise<unknown>>;

/** Script files by name, with their key counts read from the file names. */
function scriptFiles(): Map<ScriptName, { file: string; keys: number }> {
  const found = new Map<ScriptName, { file: string; keys: number }>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = /^([A-Za-z]+)-(\d+)\.lua$/.exec(file);
    if (!m) continue;
    found.set(m[1] as ScriptName, { file, keys: Number(m[2]) });
  }
  for (const name of SCRIPT_NAMES) if (!found.has(name)) throw new Error(`Lua script ${name}-N.lua is missing from ${LUA_DIR}`);
  return found;
}

const registered = new WeakSet<Redis>();

/** Registers every script once per connection under a versioned command name. */
export function loadScripts(redis: Redis): RedisWithScripts {
  if (!registered.has(redis)) {
    for (const [name, { file, keys }] of scriptFiles()) {
      redis.defineCommand(`kefu_${name}_${VERSION}`, { numberOfKeys: keys, lua: readFileSync(join(LUA_DIR, file), 'utf8') });
    }
    registered.add(redis);
  }
  return redis as RedisWithScripts;
}

export function run(redis: RedisWithScripts, name: ScriptName, ...args: Array<string | number | Buffer>): Promise<unknown> {
  return redis[`kefu_${name}_${VERSION}`](...args);
}

/** What a transition script answers when it refuses: named here, mapped to the store's errors in one place. */
export const ScriptCode = {
  ok: 1,
  notFound: -1,
  notQueued: -2,
  atCapacity: -3,
  notYours: -4,
  closed: -5,
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
