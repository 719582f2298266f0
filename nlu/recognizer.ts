import type { EmotionDetector } from './emotion';
import { extractEntities } from './entities';
import { detectLocale } from './locale';
import { HUMAN_AGENT_INTENT, isExplicitHumanRequest } from './explicitRequest';
import type { IntentClassifier } from './hybridClassifier';
import { NONE_INTENT, type Emotion, type NluResult, type Recognizer } from './types';
import { type Locale } from '../kernel/locale';

export class ModelNotReadyError extends Error {
  constructor() {
    super('the NLU model is still loading');
  }
}

export interface RecognizerOptions {
  /** The best real intent must score at least this, or the message is out of scope (`None`). */
  threshold: number;
  emotion: EmotionDetector;
  /** Told of every recognition and how long it took (metrics). */
  observe?: (result: NluResult, seconds: number) => void;
}

/** Locale → entities → intent on the text without entities → emotion. */
export class KefuRecognizer implements Recognizer {
  private classifier: IntentClassifier | undefined;

  constructor(private readonly options: RecognizerOptions) {}

  get ready(): boolean {
    return this.classifier !== undefined;
  }

  useClassifier(classifier: IntentClassifier): void {
    this.classifier = classifier;
  }

  /** The mood of one message alone (cheap: a lexicon), for paths that do not run the whole recognition. */
  emotionOf(text: string, locale: Locale): Emotion {
    return this.options.emotion.detect(text, locale);
  }

  async recognize(text: string, options: { locale?: Locale; hint?: Locale } = {}): Promise<NluResult> {
    if (!this.classifier) throw new ModelNotReadyError();
    const started = performance.now();
    const locale = options.locale ?? detectLocale(text, options.hint);
    const { residual, ...entities } = extractEntities(text);
    // "转人工" alone is read by rule: the commonest start of a handoff skips the classifier's round trip.
    const scores = isExplicitHumanRequest(text) ? [{ intent: HUMAN_AGENT_INTENT, score: 1 }] : await this.classifier.classify(residual, locale);
    const real = scores.filter((s) => s.intent !== NONE_INTENT);
    const best = real.at(0);
    // Out of scope when the trained out-of-scope class wins, or the best real intent is too weak.
    const inScope = best !== undefined && scores.at(0)?.intent !== NONE_INTENT && best.score >= this.options.threshold;
    const result: NluResult = {
      locale,
      intent: inScope ? best.intent : NONE_INTENT,
      score: best?.score ?? 0,
      alternatives: real.filter((s) => s.score > 0).slice(0, 3),
      entities,
      emotion: this.options.emotion.detect(text, locale),
    };
    this.options.observe?.(result, (performance.now() - started) / 1000);
    return result;
  }
}
