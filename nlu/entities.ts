import type { Amount, Entities } from './types';

/**
 * kefu's order ID: "KF" + 12 digits (yyyymmdd + a 4-digit sequence), e.g. KF202611220001.
 * Customers may type it in lower case, with a space or hyphen after KF, or give the 12 digits
 * alone. 12 digits cannot be confused with a mobile number (11), an ID card (18) or a bank card
 * (16–19).
 */
export const ORDER_ID_PATTERN = /(?<![A-Za-z0-9])(?:[Kk][Ff][\s-]?)?(\d{12})(?!\d)/g;
/** After "KF", the 12 digits may be grouped by spaces, hyphens or dots anywhere ("KF 2026-1122-0001"). */
const GROUPED_ORDER_ID = /(?<![A-Za-z0-9])[Kk][Ff][\s#:：.-]*(\d(?:[\s.-]?\d){11})(?![\d])/g;
/** Mainland mobile numbers, with an optional +86 and spaces or hyphens in the usual places. */
const PHONE_PATTERN = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;
const NUMBER = String.raw`(\d+(?:\.\d{1,2})?)`;
/** 二十, 三百五十, 一千二, 两万: Chinese numerals as customers type amounts. */
const HAN_NUMBER = String.raw`([零〇一二两三四五六七八九十百千万]+)`;
const AMOUNT_PATTERNS: ReadonlyArray<{ re: RegExp; currency: Amount['currency']; value?: (m: string) => number | undefined }> = [
  { re: new RegExp(String.raw`(?:¥|RMB\s?|CNY\s?)${NUMBER}`, 'gi'), currency: 'CNY' },
  // 1.5k, 2w / 2万 (ten thousands), with or without 元.
  { re: new RegExp(String.raw`${NUMBER}\s?[kK](?![A-Za-z])\s?(?:元|块钱|块)?`, 'g'), currency: 'CNY', value: (m) => Number(m) * 1000 },
  { re: new RegExp(String.raw`${NUMBER}\s?(?:万|[wW](?![A-Za-z]))\s?(?:元|块钱|块)?`, 'g'), currency: 'CNY', value: (m) => Number(m) * 10000 },
  { re: new RegExp(String.raw`${NUMBER}\s?(?:元|块钱|块|rmb|yuan|cny)`, 'gi'), currency: 'CNY' },
  { re: new RegExp(String.raw`${HAN_NUMBER}\s?(?:元|块钱|块)`, 'g'), currency: 'CNY', value: hanNumber },
  { re: new RegExp(String.raw`(?:\$|USD\s?|US\$)${NUMBER}`, 'gi'), currency: 'USD' },
  { re: new RegExp(String.raw`${NUMBER}\s?(?:dollars?|bucks|usd)`, 'gi'), currency: 'USD' },
];

const HAN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const HAN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * A Chinese numeral's value, or undefined: 二十 → 20, 三百五十 → 350, 十五 → 15, 一百零五 → 105,
 * 两万三 → 23000, and the spoken shorthand 一百二 → 120 / 三千五 → 3500 (a trailing digit is one
 * unit below the last).
 */
export function hanNumber(text: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 0;
  let zero = false; // a 零 since the last unit: the trailing digit is ones (一百零五), not shorthand
  for (const ch of text) {
    if (ch === '零' || ch === '〇') {
      zero = true;
    } else if (ch in HAN_DIGITS) {
      if (digit !== undefined) return undefined; // 二三: not a number
      digit = HAN_DIGITS[ch];
    } else if (ch in HAN_UNITS) {
      const unit = HAN_UNITS[ch];
      if (digit === undefined && unit !== 10) return undefined; // 百 alone
      section += (digit ?? 1) * unit;
      [lastUnit, digit, zero] = [unit, undefined, false];
    } else if (ch === '万') {
      total += (section + (digit ?? 0)) * 10000;
      [section, digit, lastUnit, zero] = [0, undefined, 10000, false];
    } else return undefined;
  }
  if (digit !== undefined) section += lastUnit >= 100 && !zero ? (digit * lastUnit) / 10 : digit;
  const value = total + section;
  return value > 0 ? value : undefined;
}

/**
 * What customers type, made regular before anything is read: full-width digits and letters
 * (ＫＦ２０２６…) become ASCII (NFKC), zero-width characters go.
 */
export function normaliseTyped(text: string): string {
  return text.normalize('NFKC').replace(/[\u200B-\u200D\u2060\uFEFF]/g, '');
}

export function normaliseOrderId(digits: string): string {
  return `KF${digits}`;
}

export interface ExtractedEntities extends Entities {
  /** The text with entities blanked out, which is what the intent classifier sees. */
  residual: string;
}

export function extractEntities(raw: string): ExtractedEntities {
  const orderIds: string[] = [];
  const phones: string[] = [];
  const amounts: Amount[] = [];
  const text = normaliseTyped(raw);
  // Order IDs with their KF first, so grouped digits are not read as a phone number.
  let residual = text.replace(GROUPED_ORDER_ID, (_m, digits: string) => {
    pushUnique(orderIds, normaliseOrderId(digits.replace(/\D/g, '')));
    return ' ';
  });
  residual = residual.replace(PHONE_PATTERN, (_m, a: string, b: string, c: string) => {
    pushUnique(phones, `${a}${b}${c}`);
    return ' ';
  });
  residual = residual.replace(ORDER_ID_PATTERN, (_m, digits: string) => {
    pushUnique(orderIds, normaliseOrderId(digits));
    return ' ';
  });
  for (const { re, currency, value } of AMOUNT_PATTERNS) {
    residual = residual.replace(re, (m: string, number: string) => {
      const n = value ? value(number) : Number(number);
      if (n === undefined || !Number.isFinite(n)) return m;
      amounts.push({ value: n, currency, text: m.trim() });
      return ' ';
    });
  }
  return { orderIds, phones, amounts, residual: residual.replace(/\s+/g, ' ').trim() };
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}
