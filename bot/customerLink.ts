import { type CloudAdapter, type ConversationReference, EventFactory, type Activity, type TurnContext } from 'botbuilder';
import type { StoredReference } from '../handoff/store';
import type { TurnLock } from '../infra/turnLock';

/**
 * Messages the customer outside their own turn (agent replies, queue notices, the survey):
 * a proactive turn through the adapter to the stored conversation reference, so the reply goes
 * back through the customer's own channel.
 */
export class CustomerLink {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly turnLock?: TurnLock,
  ) {}

  async withTurn(reference: StoredReference, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference as Partial<ConversationReference>, logic);
  }

  /**
   * A proactive turn that changes the conversation's state (e.g. back to the bot, into the survey):
   * it takes the conversation's turn lock like a customer's turn, so the two never interleave.
   */
  async withStateTurn(reference: StoredReference, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    if (!this.turnLock) return this.withTurn(reference, logic);
    await this.turnLock.run(reference.conversation.id, () => this.withTurn(reference, logic));
  }

  /** Sends, and rejects when the channel refused delivery (the adapter would otherwise swallow it in onTurnError). */
  async send(reference: StoredReference, activities: Array<Partial<Activity>>): Promise<void> {
    let failure: unknown;
    await this.withTurn(reference, async (context) => {
      try {
        await context.sendActivities(activities);
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure instanceof Error ? failure : new Error('delivery failed', { cause: failure });
  }

  /** Bot Framework's handoff.status event: accepted, completed or failed. */
  static status(reference: StoredReference, state: 'accepted' | 'completed' | 'failed', message?: string): Partial<Activity> {
    return EventFactory.createHandoffStatus({ id: reference.conversation.id } as never, state, message);
  }
}
