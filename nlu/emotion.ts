import { z } from 'zod';
import type { Emotion } from './types';
import type { Locale } from '../kernel/locale';

const WordList = z.array(z.string().trim().min(1)).min(1);
const PerLocale = z.object({ zh: WordList, en: WordList }).strict();
export const EmotionLexiconFile = z.object({ anger: PerLocale, anxiety: PerLocale }).strict();
export type EmotionLexiconData = z.infer<typeof EmotionLexiconFile>;

/** Anger and anxiety from a lexicon an operator edits [000 PART03, 003 PART04]. */
export class EmotionDetector {
  private lists: Record<'anger' | 'anxiety', Record<'zh' | 'en', string[]>> = { anger: { zh: [], en: [] }, anxiety: { zh: [], en: [] } };

  constructor(data: EmotionLexiconData) {
    this.replace(data);
  }

  /** Swaps in an edited lexicon (content reload). */
  replace(data: EmotionLexiconData): void {
    const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
    this.lists = {
      anger: { zh: lower(data.anger.zh), en: lower(data.anger.en) },
      anxiety: { zh: lower(data.anxiety.zh), en: lower(data.anxiety.en) },
    };
  }

  detect(text: string, locale: Locale): Emotion {
    const lower = text.toLowerCase();
    // Both lists are checked: customers mix scripts ("气死了 wtf").
    const find = (label: 'anger' | 'anxiety') => [...this.lists[label].zh, ...this.lists[label].en].filter((w) => lower.includes(w));
    const anger = find('anger');
    const anxiety = find('anxiety');
    // Repeated exclamation marks or all-caps shouting add to anger.
    const shouting = /[!！]{2,}/.test(text) || (locale === 'en' && /\b[A-Z]{4,}\b.*\b[A-Z]{4,}\b/.test(text));
    const angerScore = anger.length + (shouting && anger.length > 0 ? 1 : 0);
    if (angerScore === 0 && anxiety.length === 0) return { label: 'neutral', score: 0, matched: [] };
    if (angerScore >= anxiety.length) {
      return { label: 'anger', score: Math.min(1, 0.5 + 0.25 * (angerScore - 1)), matched: anger };
    }
    return { label: 'anxiety', score: Math.min(1, 0.5 + 0.25 * (anxiety.length - 1)), matched: anxiety };
  }
}
