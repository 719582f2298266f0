import type { EmotionDetector } from './emotion';
import { extractEntities } from './entities';
import { detectLocale } from './locale';
import type { NlpjsClassifier } from './nlpjsClassifier';
import { NONE_INTENT, type Locale, type NluResult, type Recognizer } from './types';

export class ModelNotReadyError extends Error {
  constructor() {
    super('the NLU model is still loading');
  }
}

export interface RecognizerOptions {
  /** The best real intent must score at least this, or the message is out of scope (`None`). */
  threshold: number;
  emotion: EmotionDetector;
}

/** Locale → entities → intent on the text without entities → emotion. */
export class KefuRecognizer implements Recognizer {
  private classifier: NlpjsClassifier | undefined;

  constructor(private readonly options: RecognizerOptions) {}

  get ready(): boolean {
    return this.classifier !== undefined;
  }

  useClassifier(classifier: NlpjsClassifier): void {
    this.classifier = classifier;
  }

  async recognize(text: string, options: { locale?: Locale; hint?: Locale } = {}): Promise<NluResult> {
    if (!this.classifier) throw new ModelNotReadyError();
    const locale = options.locale ?? detectLocale(text, options.hint);
    const { residual, ...entities } = extractEntities(text);
    const scores = await this.classifier.classify(residual, locale);
    const best = scores[0];
    const inScope = best !== undefined && best.score >= this.options.threshold;
    return {
      locale,
      intent: inScope ? best.intent : NONE_INTENT,
      score: best?.score ?? 0,
      alternatives: scores.slice(0, 3),
      entities,
      emotion: this.options.emotion.detect(text, locale),
    };
  }
}
