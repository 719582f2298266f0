import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { ConversationSnapshot, HandoffReason } from '../handoff/handoffService';
import type { IntentId } from '../nlu/types';
import type { Locale } from '../kernel/locale';
import type { ContextPacket } from '../handoff/contextPacket';

export type VerificationMethod = 'token' | 'phone_last4';

/** Per-conversation facts that outlive any one dialog (and a "start over"). */
export interface ConversationProfile {
  /** The conversation's language: set by its first message, changed only by a request or a run of the other (conversationLanguage.ts). */
  locale: Locale;
  /** Clear messages in a row in the other language. */
  otherLanguageRun?: number;
  /** The bot's last message (for "能再说一遍吗"), and the FAQ intent it answered (not repeated word for word). */
  lastReply?: string;
  lastAnswered?: IntentId;
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
  /** The mood of each recent customer message, oldest first (absent in profiles stored before it existed). */
  emotions?: EmotionMark[];
  /** The last few customer messages, masked: the risk scan reads them together with the newest one. */
  recent?: Array<{ text: string; at: string }>;
}

export interface EmotionMark {
  label: 'anger' | 'anxiety' | 'neutral';
  score: number;
  at: string;
}

export const MAX_EMOTIONS = 20;
/** How many earlier messages the conversation-level risk scan reads with the newest one, and how far back. */
export const RISK_WINDOW = { messages: 2, withinMs: 15 * 60_000 };

/** After each customer message: its mood and its (masked) text join the conversation's trail. */
export function recordMessage(profile: ConversationProfile, maskedText: string, emotion: { label: EmotionMark['label']; score: number }, now: Date): void {
  const at = now.toISOString();
  const emotions = (profile.emotions ??= []);
  emotions.push({ label: emotion.label, score: emotion.score, at });
  if (emotions.length > MAX_EMOTIONS) emotions.splice(0, emotions.length - MAX_EMOTIONS);
  const recent = (profile.recent ??= []);
  recent.push({ text: maskedText.slice(0, 500), at });
  if (recent.length > RISK_WINDOW.messages) recent.splice(0, recent.length - RISK_WINDOW.messages);
}

/** The earlier messages the risk scan should read with the newest one: recent enough to be the same matter. */
export function riskWindow(profile: ConversationProfile | undefined, now: Date): string[] {
  return (profile?.recent ?? []).filter((m) => now.getTime() - Date.parse(m.at) <= RISK_WINDOW.withinMs).map((m) => m.text);
}

/**
 * The mood over the conversation: the latest message's (the current one when given), the peak,
 * and the trend — the latest against the average of the three before it.
 */
export function moodOverConversation(trail: readonly EmotionMark[], current?: EmotionMark): ContextPacket['emotion'] {
  const marks = current ? [...trail, current] : [...trail];
  const latest = marks.at(-1);
  if (!latest) return { label: 'neutral', score: 0, trend: 'steady', messages: 0 };
  const peak = marks.reduce((best, m) => (m.score > best.score ? m : best), latest);
  const before = marks.slice(-4, -1);
  const average = before.length ? before.reduce((sum, m) => sum + m.score, 0) / before.length : latest.score;
  const trend = latest.score > average + 0.2 ? 'rising' : latest.score < average - 0.2 ? 'easing' : 'steady';
  return { label: latest.label, score: latest.score, peak, trend, messages: marks.length };
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
    vipLevel: 0,
    ...extra,
    emotion: moodOverConversation(
      profile?.emotions ?? [],
      extra.emotion && { label: extra.emotion.label, score: extra.emotion.score, at: new Date().toISOString() },
    ),
  };
}
