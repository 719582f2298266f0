import type { HandoffDesk } from '../handoff/desk';
import type { StoredReference } from '../handoff/store';
import { attachmentsOf, transcriptLine } from './transcriptLine';

const KEEP_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * A customer's message that must wait for its conversation's turn (another turn, maybe on another
 * instance, holds it) is written to the transcript, and relayed to the agent holding the chat, before
 * the wait — so it is never lost, even when the turn itself then fails. The turn, when it runs, knows
 * the message is already recorded (same process: the wait is inside the request).
 */
export class EarlyRecords {
  private readonly done = new Map<string, { relayed: boolean; at: number }>();

  constructor(private readonly desk: HandoffDesk) {}

  async record(
    activity: { id?: string; type: string; text?: string; attachments?: unknown[]; conversation: { id: string } },
    reference: StoredReference,
  ): Promise<void> {
    if (activity.type !== 'message' || !activity.id) return;
    // A resend of a message already recorded here (its first turn gave up waiting) that must wait
    // again is not written twice.
    if (this.done.has(activity.id)) return;
    const shown = transcriptLine((activity.text ?? '').trim(), activity.attachments?.length ?? 0);
    const { held } = await this.desk.recordInbound(reference, shown, { attachments: attachmentsOf(activity) });
    let relayed = false;
    if (held?.status === 'assigned' || held?.status === 'queued') {
      await this.desk.relayToAgent(held, shown);
      relayed = true;
    }
    this.prune();
    this.done.set(activity.id, { relayed, at: Date.now() });
  }

  /** Whether this activity was recorded early (and relayed), forgetting it. */
  take(activityId: string | undefined): { relayed: boolean } | undefined {
    if (!activityId) return undefined;
    const entry = this.done.get(activityId);
    this.done.delete(activityId);
    return entry;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, e] of this.done) {
      if (this.done.size < MAX_ENTRIES && now - e.at < KEEP_MS) break;
      this.done.delete(id);
    }
  }
}
