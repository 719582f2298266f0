import type { Locale } from '../kernel/locale';
import type { ContextPacket } from './contextPacket';
import type { RiskAssessment } from '../nlu/riskTypes';
import type { StoredReference, Survey } from './store';
import type { HandoffReason, HandoffStatus } from './types';

export type { HandoffReason } from './types';

/** What the bot knows about the conversation when it asks for a person. */
export interface ConversationSnapshot {
  intentHistory: Array<{ intent: string; score: number; at: string }>;
  verification: { method: 'token' | 'phone_last4' | 'none'; at?: string };
  verifiedOrderIds: string[];
  entities: ContextPacket['entities'];
  emotion: ContextPacket['emotion'];
  vipLevel: number;
  displayName?: string;
}

export interface HandoffRequest {
  reference: StoredReference;
  customerId: string;
  locale: Locale;
  reason: HandoffReason;
  snapshot: ConversationSnapshot;
  risk?: RiskAssessment;
  /** A short note for the agent, e.g. the step that failed. */
  note?: string;
}

export interface HandoffTicket {
  id: string;
  /** False when the request was added to a handoff already open for the conversation. */
  created: boolean;
  status: HandoffStatus;
  reason: HandoffReason;
  /** 1-based place in the queue while queued. */
  position?: number;
  etaMinutes?: number;
  /** Queued with nobody online who could take it: no estimate is given. */
  nobodyOnline?: boolean;
  /** Whether the customer may be offered a callback (never for urgent or high-risk cases). */
  callbackOffered?: boolean;
  agentName?: string;
  /** For callback tickets: when the customer can expect contact, in their language. */
  callbackWithin?: string;
  /** For callback tickets: the number we will call, masked; absent when the customer must give one. */
  callbackPhone?: string;
  packet: ContextPacket;
}

/** The seam the dialogs call; dialogs know nothing of queues, agents or Redis. */
export interface HandoffService {
  requestHandoff(request: HandoffRequest): Promise<HandoffTicket>;
}

/** Where the satisfaction survey after a handoff is kept [000 PART04]. */
export interface SurveyService {
  saveSurvey(handoffId: string, survey: Survey): Promise<void>;
}
