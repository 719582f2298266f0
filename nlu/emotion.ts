import { z } from 'zod';
import type { Emotion } from './types';
import type { Locale } from '../kernel/locale';

/** A phrase matched as a substring, or "/pattern/" matched as a case-insensitive regular expression. */
const Cue = z
  .string()
  .trim()
  .min(1)
  .refine((w) => !isPattern(w) || compiles(w.slice(1, -1)), 'not a valid regular expression');
const WordList = z.array(Cue).min(1);

function isPattern(w: string): boolean {
  return w.length > 2 && w.startsWith('/') && w.endsWith('/');
}

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}

interface Matcher {
  cue: string;
  test: (lower: string) => boolean;
}
const matcher = (w: string): Matcher => {
  if (isPattern(w)) {
    const re = new RegExp(w.slice(1, -1), 'iu');
    return { cue: w, test: (t) => re.test(t) };
  }
  const lower = w.toLowerCase();
  return { cue: w, test: (t) => t.includes(lower) };
};
const PerLocale = z.object({ zh: WordList, en: WordList }).strict();
export const EmotionLexiconFile = z.object({ anger: PerLocale, anxiety: PerLocale }).strict();
export type EmotionLexiconData = z.infer<typeof EmotionLexiconFile>;

/** Anger and anxiety from a lexicon an operator edits [000 PART03, 003 PART04]. */
export class EmotionDetector {
  private lists: Record<'anger' | 'anxiety', Matcher[]> = { anger: [], anxiety: [] };

  constructor(data: EmotionLexiconData) {
    this.replace(data);
  }

  /** Swaps in an edited lexicon (content reload). */
  replace(data: EmotionLexiconData): void {
    // Both languages' cues are read for every message: customers mix scripts ("气死了 wtf").
    this.lists = {
      anger: [...data.anger.zh, ...data.anger.en].map(matcher),
      anxiety: [...data.anxiety.zh, ...data.anxiety.en].map(matcher),
    };
  }

  detect(text: string, locale: Locale): Emotion {
    const lower = text.toLowerCase();
    const find = (label: 'anger' | 'anxiety') => this.lists[label].filter((m) => m.test(lower)).map((m) => m.cue);
    const anger = find('anger');
    const anxiety = find('anxiety');
    // Repeated exclamation marks or all-caps shouting add to anger.
    const shouting = /[!！]{2,}/.test(text) || (locale === 'en' && /\b[A-Z]{4,}\b.*\b[A-Z]{4,}\b/.test(text));
    const angerScore = anger.length + (shouting && anger.length > 0 ? 1 : 0);
    // "在吗？？？", "where is it!!" with no other cue: impatience, read as anxiety.
    if (angerScore === 0 && anxiety.length === 0 && (/[?？]{3,}/.test(text) || shouting)) {
      return { label: 'anxiety', score: 0.5, matched: [shouting ? '!!' : '???'] };
    }
    if (angerScore === 0 && anxiety.length === 0) return { label: 'neutral', score: 0, matched: [] };
    if (angerScore >= anxiety.length) {
      return { label: 'anger', score: Math.min(1, 0.5 + 0.25 * (angerScore - 1)), matched: anger };
    }
    return { label: 'anxiety', score: Math.min(1, 0.5 + 0.25 * (anxiety.length - 1)), matched: anxiety };
  }
}
