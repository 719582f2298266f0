import type { Locale } from '../kernel/locale';

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
