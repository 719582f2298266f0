/** Locales kefu answers in. External APIs use these tags; NLP.js uses the short code. */
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** Accepts the tags clients send (zh, zh-CN, zh-Hans-CN, en-US…) and maps them to a kefu locale. */
export function normaliseLocale(tag: string | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}
