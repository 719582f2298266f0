// NLP.js ships no type declarations; this is the part of it kefu uses.
declare module '@nlpjs/basic' {
  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NluOutput {
    classifications: NlpClassification[];
    intent: string;
    score: number;
  }
  export interface NluManager {
    settings: Record<string, unknown>;
    process(input: { locale: string; utterance: string; settings?: Record<string, unknown> }): Promise<NluOutput>;
  }
  export interface Nlp {
    settings: Record<string, unknown>;
    nluManager: NluManager;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    export(minified?: boolean): string;
    import(data: string): void;
  }
  export interface Container {
    use(plugin: unknown, name?: string, isSingleton?: boolean, onlyIfNotExists?: boolean): void;
    register(name: string, item: unknown, isSingleton?: boolean): void;
    get(name: string): unknown;
    registerConfiguration(tag: string, configuration: Record<string, unknown>, overwrite?: boolean): void;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
  export const Nlp: unknown;
  export const LangEn: unknown;
}
declare module '@nlpjs/lang-zh' {
  export const LangZh: unknown;
}
