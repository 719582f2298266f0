/**
 * Personal data masked in every form it is typed — before it is written to a transcript, a packet,
 * a log or a screen. The text is first normalised the way people dodge filters by accident or on
 * purpose: full-width digits and letters become ASCII, zero-width characters go. Then, in this order
 * (each pattern sees what the ones before left):
 * - emails: a***@example.com;
 * - verification codes after a keyword (验证码是583920, code: 583920): every digit masked;
 * - ID-card numbers, 18 digits (a real birth date inside) or the old 15, with spaces or hyphens;
 * - bank-card numbers, 16–19 digits in any grouping: first four and last four kept;
 * - mobile numbers, also +86, with spaces, hyphens or dots: 138****1234;
 * - landlines with an area code: 010-****5678.
 * Order IDs (KF…), amounts, dates and times stay readable: digit runs glued to letters are left
 * alone, and every pattern needs a shape that dates and prices do not have.
 */
export function maskPersonalData(text: string): string {
  const t = text
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(ZERO_WIDTH, '');
  return t
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(CODE, (_m, keyword: string, between: string, digits: string) => `${keyword}${between}${'*'.repeat(digits.length)}`)
    .replace(ID_18, (_m, region: string, _y: string, _mo: string, _d: string, last: string) => `${region}********${last}`)
    .replace(ID_15, (_m, region: string, _b: string, last: string) => `${region}******${last}`)
    .replace(DIGIT_RUN, (run: string) => {
      const digits = run.replace(/\D/g, '');
      return digits.length >= 16 && digits.length <= 19 ? `${digits.slice(0, 4)}****${digits.slice(-4)}` : run;
    })
    .replace(MOBILE, '$1****$2')
    .replace(LANDLINE, '$1-****$2');
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD\u180E]/g;
/** Full-width digits, letters and + - . @ (Chinese punctuation such as ，and ：stays as typed). */
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0B\uFF0D\uFF0E\uFF20]/g;
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const CODE =
  /(验证码|校验码|动态码|动态密码|短信码|确认码|取件码|(?<![A-Za-z])(?:verification|security|sms|login|confirmation|one[- ]time) (?:code|password|pin)(?![A-Za-z])|(?<![A-Za-z])(?:otp|pin|passcode)(?![A-Za-z]))(\s*(?:是|为|：|:|is|=)?\s*)(\d{4,8})(?!\d)/gi;
const S = String.raw`[\s-]?`;
/** 18-digit ID: region (6), birth date (yyyymmdd), sequence (3), check digit or X; spaces or hyphens between groups. */
const ID_18 = new RegExp(
  String.raw`(?<![A-Za-z\d])(\d{6})${S}((?:19|20)\d{2})${S}?((?:0[1-9]|1[0-2]))${S}?((?:0[1-9]|[12]\d|3[01]))${S}(\d{3}[\dXx])(?![\dXx])`,
  'g',
);
/** The old 15-digit ID: region (6), birth date (yymmdd), sequence (3). */
const ID_15 = new RegExp(String.raw`(?<![A-Za-z\d])(\d{6})${S}(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))${S}(\d{3})(?!\d)`, 'g');
/** Digits with single spaces or hyphens between them (a card typed in groups); the replacer keeps only 16–19-digit runs. */
const DIGIT_RUN = /(?<![A-Za-z\d])\d(?:[\s-]?\d){15,18}(?![\d])/g;
const MOBILE = /(?<![A-Za-z\d])(?:\+?86[\s.-]?)?(1[3-9]\d)[\s.-]?\d{4}[\s.-]?(\d{4})(?!\d)/g;
/** A landline with its area code (010 and 02x are three digits, the rest four), then 7–8 digits, optionally separated. */
const LANDLINE = /(?<![A-Za-z\d])(0(?:[12]\d|[3-9]\d{2}))[\s-]?\d{3,4}[\s-]?(\d{4})(?!\d)/g;
