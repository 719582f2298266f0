import { randomBytes } from 'node:crypto';
import type { StreamTickets } from '../handoff/agentApi';
import type { KeyValueStore } from '../infra/kv';

const TTL_SECONDS = 30;

/**
 * Event-stream tickets in the shared key-value store, so a ticket issued by one instance opens the
 * stream on another. Single use: redeeming marks it spent atomically (setIfAbsent), so a ticket
 * copied from a proxy log after use opens nothing.
 */
export class KvStreamTickets implements StreamTickets {
  constructor(private readonly kv: KeyValueStore) {}

  async issue(agentId: string): Promise<{ ticket: string; ttlSeconds: number }> {
    const ticket = randomBytes(24).toString('base64url');
    await this.kv.set(`evticket:${ticket}`, agentId, TTL_SECONDS * 1000);
    return { ticket, ttlSeconds: TTL_SECONDS };
  }

  async redeem(ticket: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(ticket)) return undefined;
    const agentId = await this.kv.get(`evticket:${ticket}`);
    if (agentId === undefined) return undefined;
    if (!(await this.kv.setIfAbsent(`evticket-spent:${ticket}`, '1', TTL_SECONDS * 1000))) return undefined;
    await this.kv.del(`evticket:${ticket}`);
    return agentId;
  }
}
