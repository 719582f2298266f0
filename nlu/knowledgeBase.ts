import { z } from 'zod';
import { dateFormat } from '../kernel/dates';
import type { IntentId } from './types';
import type { Locale } from '../kernel/locale';

const Text = z.string().trim().min(1).max(2000);
const Bilingual = z.object({ zh: Text, en: Text }).strict();
export type Bilingual = z.infer<typeof Bilingual>;

/** `nlu/data/answers.json`: the FAQ answers and order-policy texts, per intent, zh and en. */
export const AnswersFile = z
  .object({
    intents: z.record(z.string(), Bilingual),
    empathy: z
      .object({
        anger: z.object({ zh: z.array(Text).min(1), en: z.array(Text).min(1) }).strict(),
        anxiety: z.object({ zh: z.array(Text).min(1), en: z.array(Text).min(1) }).strict(),
      })
      .strict(),
  })
  .strict();
export type AnswersData = z.infer<typeof AnswersFile>;

const HourRange = z.string().regex(/^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/, 'expected "start-end" in hours, e.g. "22-8"');

/** `nlu/data/menu.json`: the greeting [000 PART02] and the quick replies offered with it. */
export const MenuFile = z
  .object({
    greeting: Bilingual,
    nightApology: Bilingual,
    /** Local hours counted as night, e.g. "22-6" (22:00–05:59): the greeting then says the hour is late. */
    nightHours: HourRange,
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown IANA time zone'),
    quickReplies: z
      .array(z.object({ intent: z.string().min(1), label: Bilingual }).strict())
      .min(1)
      .max(8),
    /** WeChat custom-menu CLICK keys → intents (each needs a quick reply to route through). */
    menuKeys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), z.string().min(1)).optional(),
    /** The reasons a customer picks from when the bot files a request (offered as buttons; free text is taken too). */
    requestReasons: z
      .object({
        refund: z.array(Bilingual).min(1).max(10),
        return: z.array(Bilingual).min(1).max(10),
        cancel: z.array(Bilingual).min(1).max(10),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type MenuData = z.infer<typeof MenuFile>;

export const lang = (locale: Locale): 'zh' | 'en' => (locale === 'zh-CN' ? 'zh' : 'en');

/** Answers and menu, looked up by intent and locale; replaced whole when operators reload them. */
export class KnowledgeBase {
  constructor(
    private currentAnswers: AnswersData,
    private currentMenu: MenuData,
  ) {}

  get answers(): AnswersData {
    return this.currentAnswers;
  }

  get menu(): MenuData {
    return this.currentMenu;
  }

  /** Swaps in validated files; a turn in progress sees either the old set or the new one. */
  replace(answers: AnswersData, menu: MenuData): void {
    this.currentAnswers = answers;
    this.currentMenu = menu;
  }

  answer(intent: IntentId, locale: Locale): string | undefined {
    const texts = this.answers.intents[intent] as Bilingual | undefined; // an intent may have no FAQ answer
    return texts?.[lang(locale)];
  }

  /** An empathetic opener, varied by a seed so consecutive turns do not repeat it. */
  empathy(emotion: 'anger' | 'anxiety', locale: Locale, seed: number): string {
    const list = this.answers.empathy[emotion][lang(locale)];
    return list[Math.abs(seed) % list.length];
  }

  /** The intent behind a quick-reply label the customer tapped, in either language. */
  quickReplyIntent(text: string): IntentId | undefined {
    const t = text.trim();
    return this.menu.quickReplies.find((q) => q.label.zh === t || q.label.en === t)?.intent;
  }

  isNight(now: Date): boolean {
    const hour = this.hourAt(now);
    const [start, end] = this.menu.nightHours.split('-').map(Number);
    return start > end ? hour >= start || hour < end : hour >= start && hour < end;
  }

  /** The hour in the operator's time zone, formatted once a minute (every turn asks; zones shift by whole minutes). */
  private lastHour = { minute: NaN, hour: 0, timeZone: '' };
  private hourAt(now: Date): number {
    const minute = Math.floor(now.getTime() / 60_000);
    const timeZone = this.menu.timeZone;
    if (minute !== this.lastHour.minute || timeZone !== this.lastHour.timeZone) {
      const hour = Number(dateFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(now));
      this.lastHour = { minute, hour, timeZone };
    }
    return this.lastHour.hour;
  }
}
