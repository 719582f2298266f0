import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { fromRoot } from '../bot/paths';

/** Script file → number of KEYS. Registered once per connection under a versioned command name. */
const SCRIPTS = {
  open: 4, claim: 4, claimNext: 2, transfer: 3, close: 5, toCallback: 4, saveSurvey: 2,
  armDeadline: 2, takeDue: 1, storageWrite: 1, unlock: 1,
} as const;
export type ScriptName = keyof typeof SCRIPTS;
const VERSION = 'v1';

export type RedisWithScripts = Redis & Record<`kefu_${ScriptName}_${typeof VERSION}`, (...args: Array<string | number>) => Promise<unknown>>;

export function loadScripts(redis: Redis): RedisWithScripts {
  for (const [name, numberOfKeys] of Object.entries(SCRIPTS)) {
    const lua = readFileSync(join(fromRoot('handoff/lua'), `${name}.lua`), 'utf8');
    redis.defineCommand(`kefu_${name}_${VERSION}`, { numberOfKeys, lua });
  }
  return redis as RedisWithScripts;
}

export function run(redis: RedisWithScripts, name: ScriptName, ...args: Array<string | number>): Promise<unknown> {
  return redis[`kefu_${name}_${VERSION}`](...args);
}

/** Negative script return codes → the store's error names, in one place. */
export const SCRIPT_ERRORS = { [-1]: 'not_found', [-2]: 'not_queued', [-3]: 'at_capacity', [-4]: 'not_yours', [-5]: 'closed' } as const;
