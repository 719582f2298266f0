import type { Container, Nlp as NlpInstance } from '@nlpjs/basic';
import type { Corpus } from './corpus';
import type { IntentScore } from './types';
import type { Locale } from '../kernel/locale';
import { CharNgramStemmerZh, PassThroughTokenizerZh } from './zhFeatures';

export type ZhFeatures = 'char-ngrams' | 'nlpjs-pinyin';

export interface ClassifierSettings {
  zhFeatures: ZhFeatures;
}

const NLP_LOCALE: Record<Locale, 'zh' | 'en'> = { 'zh-CN': 'zh', en: 'en' };

/**
 * A typed wrapper around NLP.js's intent network. It calls the NLU manager directly, which gives
 * the real per-intent scores and skips what kefu does itself (entities, emotion) or does not want
 * on the hot path (sentiment, NLG, context).
 */
export class NlpjsClassifier {
  private sinceForgotten = 0;
  private constructor(private readonly nlp: NlpInstance) {}

  static async train(corpus: Corpus, settings: ClassifierSettings): Promise<NlpjsClassifier> {
    const classifier = new NlpjsClassifier(await createNlp(settings));
    for (const data of [corpus.zh, corpus.en]) {
      for (const [intent, phrasings] of Object.entries(data.intents)) {
        for (const text of phrasings) classifier.nlp.addDocument(data.locale, text, intent);
      }
    }
    await classifier.nlp.train();
    return classifier;
  }

  static async fromModel(model: string, settings: ClassifierSettings): Promise<NlpjsClassifier> {
    const nlp = await createNlp(settings);
    nlp.import(model);
    return new NlpjsClassifier(nlp);
  }

  toModel(): string {
    return this.nlp.export(true);
  }

  /** Intents with their scores, best first; `None` appears when out-of-scope examples were trained. */
  async classify(text: string, locale: Locale): Promise<IntentScore[]> {
    if (text.trim() === '') return [];
    const out = await this.nlp.nluManager.process({ locale: NLP_LOCALE[locale], utterance: text, settings: this.nlp.nluManager.settings });
    // Emptied every so many calls: bounded all the same, and walking NLP.js's registry is not paid per message.
    this.sinceForgotten += 1;
    if (this.sinceForgotten >= FORGET_EVERY) {
      this.sinceForgotten = 0;
      for (const l of Object.values(NLP_LOCALE)) forgetTexts(this.nlp, l);
    }
    return out.classifications
      .filter((c) => Number.isFinite(c.score))
      .sort((a, b) => b.score - a.score)
      .map((c) => ({ intent: c.intent, score: c.score }));
  }
}

/** Texts prepared between two emptyings of NLP.js's caches. */
const FORGET_EVERY = 256;

/** The parts of NLP.js that hold per-text caches (not in its typings). */
interface NlpInternals {
  nluManager: { domainManagers?: Record<string, { domains?: Record<string, { cache?: { results?: Record<string, unknown> } }> }> };
  container: { factory?: Record<string, { instance?: { cache?: unknown; stemWord?: unknown; tokenize?: unknown } }> };
}

/**
 * NLP.js keeps, without bound, the prepared tokens of every distinct utterance (NLU manager), the
 * tokens of every distinct text (tokenizer) and the stem of every distinct word (stemmer): 50,000
 * distinct messages held 45 MB. A stream of unique texts would turn that into an outage, and
 * preparing a message again costs microseconds — so the caches are emptied after each call.
 */
function forgetTexts(nlp: NlpInstance, lang: string): void {
  const internals = nlp as unknown as NlpInternals;
  for (const domain of Object.values(internals.nluManager.domainManagers?.[lang]?.domains ?? {})) {
    if (domain.cache?.results) domain.cache.results = {};
  }
  for (const { instance } of Object.values(internals.container.factory ?? {})) {
    if (instance?.cache === undefined) continue;
    if (typeof instance.stemWord === 'function') instance.cache = {};
    else if (typeof instance.tokenize === 'function') instance.cache = undefined;
  }
}

async function createNlp(settings: ClassifierSettings): Promise<NlpInstance> {
  const { containerBootstrap, Nlp, LangEn } = loadNlpjsBasic();
  const container: Container = await containerBootstrap();
  // NLP.js's own NLU defaults, with its per-epoch console logging off.
  container.registerConfiguration('nlu-??', {
    keepStopwords: true,
    nonefeatureValue: 1,
    nonedeltaMultiplier: 1.2,
    spellCheck: false,
    spellCheckDistance: 1,
    filterZeros: true,
    log: false,
  });
  container.use(Nlp);
  container.use(LangEn);
  container.use(loadLangZh());
  if (settings.zhFeatures === 'char-ngrams') {
    container.use(PassThroughTokenizerZh);
    container.use(CharNgramStemmerZh);
  }
  const nlp = container.get('nlp') as NlpInstance;
  // Set fields one by one: passing a settings object replaces NLP.js's defaults instead of merging.
  nlp.settings.autoSave = false;
  nlp.settings.autoLoad = false;
  nlp.settings.calculateSentiment = false;
  nlp.settings.log = false;
  nlp.addLanguage(['zh', 'en']);
  return nlp;
}

let nlpjsBasic: typeof import('@nlpjs/basic') | undefined;
/**
 * @nlpjs/basic builds a pino logger with the long-deprecated `prettyPrint` option when first
 * loaded, which prints a PinoWarning at every start; that one warning is dropped, no other.
 */
function loadNlpjsBasic(): typeof import('@nlpjs/basic') {
  if (nlpjsBasic) return nlpjsBasic;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back as it was; called below with .call(process)
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const name = typeof warning === 'string' ? (typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type) : warning.name;
    if (name === 'PinoWarning') return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, with its load-time warning filtered out
    nlpjsBasic = require('@nlpjs/basic') as typeof import('@nlpjs/basic');
  } finally {
    process.emitWarning = emitWarning;
  }
  return nlpjsBasic;
}

let langZh: unknown;
/** @nlpjs/lang-zh prints "Compiling dictionary" to stdout when first loaded; keep stdout clean. */
function loadLangZh(): unknown {
  if (langZh) return langZh;
  const log = console.log;
  console.log = () => undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, with its load-time stdout silenced
    langZh = (require('@nlpjs/lang-zh') as { LangZh: unknown }).LangZh;
  } finally {
    console.log = log;
  }
  return langZh;
}
