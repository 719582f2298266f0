import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { ConversationSnapshot, HandoffReason } from '../handoff/handoffService';
import type { IntentId } from '../nlu/types';
import type { Locale } from '../kernel/locale';

export type VerificationMethod = 'token' | 'phone_last4';

/** Per-conversation facts that outlive any one dialog (and a "start over"). */
export interface ConversationProfile {
  locale: Locale;
  /** Messages in a row the NLU did not understand; the second one hands off. */
  fallbackStreak: number;
  verification: {
    failures: number;
    locked: boolean;
    /** Orders this conversation has proven it may see, with how and when. */
    verified: Array<{ orderId: string; method: VerificationMethod; at: string }>;
  };
  intentHistory: Array<{ intent: IntentId; score: number; at: string }>;
  handoff?: { ticketId: string; reason: HandoffReason; at: string };
  /** Set while the satisfaction survey for a closed handoff is pending. */
  survey?: { handoffId: string };
  turns: number;
}

export const MAX_INTENT_HISTORY = 20;
export const MAX_VERIFICATION_FAILURES = 3;

export function newProfile(locale: Locale): ConversationProfile {
  return { locale, fallbackStreak: 0, verification: { failures: 0, locked: false, verified: [] }, intentHistory: [], turns: 0 };
}

export type ProfileAccessor = StatePropertyAccessor<ConversationProfile>;

export async function loadProfile(accessor: ProfileAccessor, context: TurnContext, locale: Locale): Promise<ConversationProfile> {
  return accessor.get(context, newProfile(locale));
}

/** What the handoff needs from a conversation's profile (also read by instances without a live turn). */
export function toSnapshot(profile: ConversationProfile | undefined, extra: Partial<ConversationSnapshot> = {}): ConversationSnapshot {
  const last = profile?.verification.verified.at(-1);
  return {
    intentHistory: profile?.intentHistory ?? [],
    verification: last ? { method: last.method, at: last.at } : { method: 'none' },
    verifiedOrderIds: profile?.verification.verified.map((v) => v.orderId) ?? [],
    entities: { orderIds: [], phones: [], amounts: [] },
    emotion: { label: 'neutral', score: 0 },
    vipLevel: 0,
    ...extra,
  };
}
