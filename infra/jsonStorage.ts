import type { Storage } from 'botbuilder';

/**
 * A botbuilder Storage that also hands over and takes an item as the JSON it stores. Through
 * `Storage` a turn's state is stringified three times (the snapshot when read, the change check,
 * the storage's own copy); through this it is parsed once and stringified once a turn
 * (FencedConversationState). Both our storages implement it.
 */
export interface JsonStorage extends Storage {
  /** The item's JSON (without its eTag) and eTag; undefined when absent or expired. */
  readJson(key: string): Promise<{ json: string; eTag: string } | undefined>;
  /**
   * Stores `json` as the item when its eTag is still `eTag` (undefined: whatever it is) and returns
   * the new eTag; a stale eTag throws the eTag-conflict error (`isFencedOut`).
   */
  writeJson(key: string, json: string, eTag: string | undefined): Promise<string>;
}

export function isJsonStorage(storage: Storage): storage is JsonStorage {
  const s = storage as Partial<JsonStorage>;
  return typeof s.readJson === 'function' && typeof s.writeJson === 'function';
}

/** The error both storages throw for a stale eTag: `isFencedOut` recognises it. */
export function eTagConflict(key: string): Error {
  return new Error(`storage write for "${key}" rejected: eTag conflict`);
}
