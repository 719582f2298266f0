import type { Amount, Entities } from './types';

/**
 * kefu's order ID: "KF" + 12 digits (yyyymmdd + a 4-digit sequence), e.g. KF202611220001.
 * Customers may type it in lower case, with a space or hyphen after KF, or give the 12 digits
 * alone. 12 digits cannot be confused with a mobile number (11), an ID card (18) or a bank card
 * (16–19).
 */
export const ORDER_ID_PATTERN = /(?<![A-Za-z0-9])(?:[Kk][Ff][\s-]?)?(\d{12})(?!\d)/g;
/** Mainland mobile numbers, with an optional +86 and spaces or hyphens in the usual places. */
const PHONE_PATTERN = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;
const NUMBER = String.raw`(\d+(?:\.\d{1,2})?)`;
const AMOUNT_PATTERNS: ReadonlyArray<{ re: RegExp; currency: Amount['currency'] }> = [
  { re: new RegExp(String.raw`(?:¥|￥|RMB\s?|CNY\s?)${NUMBER}`, 'gi'), currency: 'CNY' },
  { re: new RegExp(String.raw`${NUMBER}\s?(?:元|块钱|块|rmb|yuan|cny)`, 'gi'), currency: 'CNY' },
  { re: new RegExp(String.raw`(?:\$|USD\s?|US\$)${NUMBER}`, 'gi'), currency: 'USD' },
  { re: new RegExp(String.raw`${NUMBER}\s?(?:dollars?|bucks|usd)`, 'gi'), currency: 'USD' },
];

export function normaliseOrderId(digits: string): string {
  return `KF${digits}`;
}

export interface ExtractedEntities extends Entities {
  /** The text with entities blanked out, which is what the intent classifier sees. */
  residual: string;
}

export function extractEntities(text: string): ExtractedEntities {
  const orderIds: string[] = [];
  const phones: string[] = [];
  const amounts: Amount[] = [];
  let residual = text.replace(PHONE_PATTERN, (_m, a: string, b: string, c: string) => {
    pushUnique(phones, `${a}${b}${c}`);
    return ' ';
  });
  residual = residual.replace(ORDER_ID_PATTERN, (_m, digits: string) => {
    pushUnique(orderIds, normaliseOrderId(digits));
    return ' ';
  });
  for (const { re, currency } of AMOUNT_PATTERNS) {
    residual = residual.replace(re, (m: string, value: string) => {
      amounts.push({ value: Number(value), currency, text: m.trim() });
      return ' ';
    });
  }
  return { orderIds, phones, amounts, residual: residual.replace(/\s+/g, ' ').trim() };
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}
