import type { Locale } from '../kernel/locale';

/** Where the conversation's language stands: the language, and a run of messages in the other one. */
export interface LanguageState {
  locale: Locale;
  /** Consecutive clear messages in the other language (two switch). */
  otherRun?: number;
}

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;
const ASK_EN = /(speak|reply|answer|talk|write)\s+(in\s+)?english|english\s+please|in\s+english|英文|英语|说英文|用英文/i;
const ASK_ZH =
  /(说|用|讲|回复)\s*(中文|汉语|普通话)|中文(服务|回复|回答)?吗?$|(speak|reply|answer|talk|write)\s+(in\s+)?chinese|chinese\s+please|in\s+chinese/i;
/** Switching needs this many clear messages in a row in the other language. */
const RUN_TO_SWITCH = 2;

/**
 * What one message says about its language: an explicit request, a clear sentence (2+ Han
 * characters, or 3+ English words and no Han), or nothing — "ok", "👍", "KF…", "1234", "thx" are
 * too short to tell a Chinese customer from an English one.
 */
export function languageSignal(text: string): { locale: Locale; explicit: boolean } | undefined {
  if (ASK_ZH.test(text)) return { locale: 'zh-CN', explicit: true };
  if (ASK_EN.test(text)) return { locale: 'en', explicit: true };
  const han = text.match(HAN)?.length ?? 0;
  const words = text.match(LATIN_WORD)?.filter((w) => !/^kf$/i.test(w)).length ?? 0;
  if (han >= 2 && han * 2 >= words) return { locale: 'zh-CN', explicit: false };
  if (han === 0 && words >= 3) return { locale: 'en', explicit: false };
  return undefined;
}

/**
 * The conversation's language after this message. The first message sets it (what the recogniser
 * detected, with the channel's locale as its hint); after that it is sticky: it changes on
 * an explicit request or on a run of clear messages in the other language, never on one short one.
 */
export function nextLanguage(previous: LanguageState | undefined, text: string, detected: Locale): LanguageState {
  const signal = languageSignal(text);
  // The first message: its own language ("hello" is English even on a zh-CN channel); the channel's
  // locale only for text with no letters at all (the recogniser's detection falls back to it).
  if (!previous) return { locale: signal?.locale ?? detected, otherRun: 0 };
  if (!signal) return { locale: previous.locale, otherRun: previous.otherRun ?? 0 };
  if (signal.locale === previous.locale) return { locale: previous.locale, otherRun: 0 };
  if (signal.explicit) return { locale: signal.locale, otherRun: 0 };
  const run = (previous.otherRun ?? 0) + 1;
  return run >= RUN_TO_SWITCH ? { locale: signal.locale, otherRun: 0 } : { locale: previous.locale, otherRun: run };
}

/** Whether the message asks to switch language ("可以说中文吗", "English please"). */
export function isLanguageRequest(text: string): boolean {
  return languageSignal(text)?.explicit === true;
}
