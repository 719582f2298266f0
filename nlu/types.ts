import type { Locale } from '../kernel/locale';

/** Intent IDs are strings: the catalogue below is the contract, operators may add more. */
export type IntentId = string;
export const NONE_INTENT = 'None';

export interface IntentScore {
  intent: IntentId;
  score: number;
}

export interface Amount {
  value: number;
  currency: 'CNY' | 'USD';
  text: string;
}

export interface Entities {
  orderIds: string[];
  phones: string[];
  amounts: Amount[];
}

export type EmotionLabel = 'anger' | 'anxiety' | 'neutral';

export interface Emotion {
  label: EmotionLabel;
  /** 0..1: how strongly the lexicon matched. */
  score: number;
  matched: string[];
}

export interface NluResult {
  locale: Locale;
  /** Best intent, or `None` when the best real intent scores under the threshold. */
  intent: IntentId;
  /** The best real intent's score, kept even when `intent` is `None`. */
  score: number;
  /** The best real intents, highest first (at most 3). */
  alternatives: IntentScore[];
  entities: Entities;
  emotion: Emotion;
}

/** What dialogs and HTTP routes see of the NLU: a typed result, never raw NLP.js output. */
export interface Recognizer {
  readonly ready: boolean;
  /** `locale` forces the language; `hint` only breaks ties for text with no letters (e.g. an order ID). */
  recognize(text: string, options?: { locale?: Locale; hint?: Locale }): Promise<NluResult>;
}

/**
 * The best reading of a message, even one below the threshold (then the top alternative): for
 * moments when the message is known not to answer the question asked, so any reading beats none.
 */
export function bestReading(nlu: NluResult): IntentScore | undefined {
  const best = nlu.intent !== NONE_INTENT ? { intent: nlu.intent, score: nlu.score } : nlu.alternatives.at(0);
  return best && best.intent !== NONE_INTENT ? best : undefined;
}
