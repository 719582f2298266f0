import { z } from 'zod';
import type { Viewers } from '../handoff/viewers';
import type { KeyValueStore } from '../infra/kv';
import { parseJson } from '../kernel/json';

const Seen = z.record(z.string().max(64), z.number()).refine((r) => Object.keys(r).length <= 50);

/**
 * In the shared kv, one small map per conversation (agent → until). Two consoles touching in the
 * same instant may lose one mark; the next touch, a few seconds later, restores it — a warning a
 * beat late is acceptable, a lock here would not be.
 */
export class KvViewers implements Viewers {
  constructor(private readonly kv: KeyValueStore) {}

  async touch(handoffId: string, agentId: string, now: number, forMs: number): Promise<string[]> {
    const seen = await this.read(handoffId, now);
    seen[agentId] = now + forMs;
    await this.kv.set(this.key(handoffId), JSON.stringify(seen), forMs);
    return Object.keys(seen).filter((id) => id !== agentId);
  }

  async leave(handoffId: string, agentId: string): Promise<void> {
    const seen = await this.read(handoffId, 0);
    if (!(agentId in seen)) return;
    await this.kv.set(this.key(handoffId), JSON.stringify(Object.fromEntries(Object.entries(seen).filter(([id]) => id !== agentId))), 60_000);
  }

  private async read(handoffId: string, now: number): Promise<Record<string, number>> {
    const raw = await this.kv.get(this.key(handoffId));
    if (!raw) return {};
    const parsed = Seen.safeParse(parseJson(raw));
    if (!parsed.success) return {};
    return Object.fromEntries(Object.entries(parsed.data).filter(([, until]) => until > now));
  }

  private key(handoffId: string): string {
    return `viewing:${handoffId}`;
  }
}
