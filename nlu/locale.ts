import type { Locale } from './types';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;

/**
 * Chinese or English, per message. A Han character outweighs a Latin word (customers mix in
 * "app", "KF…" or brand names); a message with neither (digits, emoji) keeps the hint.
 */
export function detectLocale(text: string, hint?: Locale): Locale {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN_WORD)?.filter((w) => !/^kf$/i.test(w)).length ?? 0;
  if (han === 0 && latin === 0) return hint ?? 'zh-CN';
  return han * 2 >= latin ? (han > 0 ? 'zh-CN' : 'en') : 'en';
}

/** Accepts the tags clients send (zh, zh-CN, zh-Hans-CN, en-US…) and maps them to a kefu locale. */
export function normaliseLocale(tag: string | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}
