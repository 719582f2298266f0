/** Small shared facts with a lifetime: dedup marks, cached tokens, locks, last-seen times. */
export interface KeyValueStore {
  /** Sets the key only if it is absent; true when this caller set it (atomic across instances). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  del(key: string): Promise<void>;
  /** Adds one and returns the new count; the count expires `ttlMs` after it was first set. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Deletes the key only if it still holds `value` (a lock released by its holder only). */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** Replaces the value (and its lifetime) only if it still holds `expected`; true when replaced (atomic across instances). */
  replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
}
