import { randomUUID } from 'node:crypto';
import type { Locale } from '../nlu/types';

/** Why the bot stepped aside; recorded with every handoff (DESIGN.md §Handoff). */
export type HandoffReason = 'requested' | 'timeout' | 'high_risk' | 'nlu_fallback' | 'identity_failed';

export interface HandoffRequest {
  conversationId: string;
  channelId: string;
  customerId: string;
  locale: Locale;
  reason: HandoffReason;
  /** A short human-readable note, e.g. the last message or the failed step. */
  note?: string;
}

export interface HandoffTicket {
  id: string;
  reason: HandoffReason;
  /** `recorded` until a real queue exists to place it in. */
  status: 'recorded';
  createdAt: string;
}

/** The seam the dialogs call; the handoff issue replaces the implementation, not the callers. */
export interface HandoffService {
  requestHandoff(request: HandoffRequest): Promise<HandoffTicket>;
}

/**
 * Records handoff requests in memory and nothing more: no queue, no agents yet. One open record
 * per conversation: a second request adds its reason to the first instead of opening another.
 */
export class RecordingHandoffService implements HandoffService {
  private readonly byConversation = new Map<string, { ticket: HandoffTicket; requests: HandoffRequest[] }>();

  async requestHandoff(request: HandoffRequest): Promise<HandoffTicket> {
    const open = this.byConversation.get(request.conversationId);
    if (open) {
      open.requests.push(request);
      return open.ticket;
    }
    const ticket: HandoffTicket = {
      id: `H-${randomUUID().slice(0, 8)}`,
      reason: request.reason,
      status: 'recorded',
      createdAt: new Date().toISOString(),
    };
    this.byConversation.set(request.conversationId, { ticket, requests: [request] });
    return ticket;
  }

  /** What was recorded for a conversation (for tests and the operator log). */
  recorded(conversationId: string): readonly HandoffRequest[] {
    return this.byConversation.get(conversationId)?.requests ?? [];
  }
}
