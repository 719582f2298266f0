import { OwnCannedReplies, type CannedReply, type OwnCannedReplyStore } from '../handoff/cannedReplies';
import type { KeyValueStore } from '../infra/kv';
import { parseJson } from '../kernel/json';

/** Each agent's own canned replies, in the shared kv (so every instance and every console sees them). */
export class KvOwnCannedReplies implements OwnCannedReplyStore {
  private static readonly TTL_MS = 10 * 365 * 24 * 3600 * 1000; // kept until replaced

  constructor(private readonly kv: KeyValueStore) {}

  async get(agentId: string): Promise<CannedReply[]> {
    const raw = await this.kv.get(`canned:${agentId}`);
    if (!raw) return [];
    const parsed = OwnCannedReplies.safeParse(parseJson(raw));
    return parsed.success ? parsed.data.replies : []; // a payload that no longer parses is not shown
  }

  async set(agentId: string, replies: CannedReply[]): Promise<void> {
    await this.kv.set(`canned:${agentId}`, JSON.stringify({ replies }), KvOwnCannedReplies.TTL_MS);
  }
}
