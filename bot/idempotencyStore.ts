import type { IdempotencyStore } from '../handoff/idempotency';
import type { KeyValueStore } from '../infra/kv';

const TTL_MS = 24 * 3600 * 1000;

/** Idempotency keys in the shared key-value store, for 24 h: a retry on any instance gets the first result. */
export class KvIdempotencyStore implements IdempotencyStore {
  constructor(private readonly kv: KeyValueStore) {}

  claim(key: string): Promise<boolean> {
    return this.kv.setIfAbsent(`idem:${key}`, 'running', TTL_MS);
  }

  async result(key: string): Promise<{ status: number; body: unknown } | 'running' | undefined> {
    const raw = await this.kv.get(`idem:${key}`);
    if (raw === undefined || raw === 'running') return raw;
    try {
      const parsed = JSON.parse(raw) as { status?: unknown; body?: unknown };
      return typeof parsed.status === 'number' ? { status: parsed.status, body: parsed.body } : undefined;
    } catch {
      return undefined;
    }
  }

  save(key: string, result: { status: number; body: unknown }): Promise<void> {
    return this.kv.set(`idem:${key}`, JSON.stringify(result), TTL_MS);
  }

  release(key: string): Promise<void> {
    return this.kv.del(`idem:${key}`);
  }
}
