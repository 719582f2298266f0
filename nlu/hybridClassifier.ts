import type { Corpus } from './corpus';
import { DEFAULT_LINEAR, LinearClassifier, type LinearModelData } from './linearClassifier';
import { NlpjsClassifier, type ClassifierSettings } from './nlpjsClassifier';
import type { IntentScore } from './types';
import type { Locale } from '../kernel/locale';

/** Anything that scores intents for a text: what the recogniser depends on. */
export interface IntentClassifier {
  classify(text: string, locale: Locale): Promise<IntentScore[]>;
}

export interface HybridSettings extends ClassifierSettings {
  /** Weight of the linear n-gram model against NLP.js's network (0 = NLP.js only). */
  linearWeight: number;
}

export interface HybridModel {
  /** Absent when the blend gives NLP.js's network no weight: it is then not trained at all. */
  nlpjs: string | null;
  linear: Record<'zh' | 'en', LinearModelData>;
}

/**
 * NLP.js's network and a linear n-gram model per language, their scores blended. Both see the
 * same training phrasings; `None` examples train an out-of-scope class in each.
 */
export class HybridClassifier implements IntentClassifier {
  private constructor(
    private readonly nlpjs: NlpjsClassifier | undefined,
    private readonly linear: Record<'zh' | 'en', LinearClassifier>,
    private readonly weight: number,
  ) {}

  static async train(corpus: Corpus, settings: HybridSettings): Promise<HybridClassifier> {
    const linear = (data: Corpus['zh']) =>
      LinearClassifier.train(
        Object.entries(data.intents).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent }))),
        DEFAULT_LINEAR,
        data.entities,
      );
    const nlpjs = settings.linearWeight >= 1 ? undefined : await NlpjsClassifier.train(corpus, settings);
    return new HybridClassifier(nlpjs, { zh: linear(corpus.zh), en: linear(corpus.en) }, settings.linearWeight);
  }

  static async fromModel(model: HybridModel, settings: HybridSettings): Promise<HybridClassifier> {
    const nlpjs = model.nlpjs === null || settings.linearWeight >= 1 ? undefined : await NlpjsClassifier.fromModel(model.nlpjs, settings);
    return new HybridClassifier(
      nlpjs,
      { zh: LinearClassifier.fromData(model.linear.zh), en: LinearClassifier.fromData(model.linear.en) },
      settings.linearWeight,
    );
  }

  toModel(): HybridModel {
    return { nlpjs: this.nlpjs?.toModel() ?? null, linear: { zh: this.linear.zh.toData(), en: this.linear.en.toData() } };
  }

  async classify(text: string, locale: Locale): Promise<IntentScore[]> {
    return this.classifyWith(text, locale, this.weight);
  }

  /** The same, with another blend weight (for tuning it on validation data). */
  async classifyWith(text: string, locale: Locale, weight: number): Promise<IntentScore[]> {
    const linear = this.linear[locale === 'zh-CN' ? 'zh' : 'en'].classify(text);
    // Text the main model knows nothing of is out of scope, whatever the network makes of it.
    if (linear.length === 0) return [];
    return weight >= 1 || !this.nlpjs ? linear : blend(await this.nlpjs.classify(text, locale), linear, weight);
  }
}

export function blend(a: IntentScore[], b: IntentScore[], weightB: number): IntentScore[] {
  if (weightB <= 0) return a;
  const scores = new Map<string, number>();
  for (const s of a) scores.set(s.intent, (1 - weightB) * s.score);
  for (const s of b) scores.set(s.intent, (scores.get(s.intent) ?? 0) + weightB * s.score);
  return [...scores].map(([intent, score]) => ({ intent, score })).sort((x, y) => y.score - x.score);
}
