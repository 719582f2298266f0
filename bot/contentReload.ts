import type { LoadedRiskModel } from '../nlu/riskModelCache';
import type { KefuContent } from './config';
import { ConfigError } from '../kernel/configError';
import { errorMessage, type ErrorCode } from '../kernel/errors';
import type { Logger } from '../kernel/log';
import type { Corpus } from '../nlu/corpus';
import type { ComplianceFilter } from './compliance';
import type { CannedLibrary } from '../handoff/cannedReplies';
import type { EmotionDetector } from '../nlu/emotion';
import type { RiskHandling } from '../dialogs/riskHandling';
import type { KnowledgeBase } from '../nlu/knowledgeBase';
import type { RiskScanner } from '../nlu/risk';
import type { LoadedClassifier } from '../nlu/modelCache';
import type { KefuRecognizer } from '../nlu/recognizer';

export interface ReloadReport {
  intents: { zh: number; en: number };
  model: { source: LoadedClassifier['source']; key: string; ms: number };
}

/** Why a reload was refused: a code of the error catalogue (kernel/errors.ts), which also gives its HTTP status. */
export type ReloadErrorCode = Extract<ErrorCode, 'reload_in_progress' | 'invalid_config'>;

export type ReloadOutcome =
  | { ok: true; report: ReloadReport }
  /** `detail` fills the catalogue's message template; `message` is the filled-in message (for logs). */
  | { ok: false; code: ReloadErrorCode; detail?: string; message: string };

const refused = (code: ReloadErrorCode, detail?: string): ReloadOutcome => ({ ok: false, code, detail, message: errorMessage(code, detail) });

export interface ContentReloaderDeps {
  /** Reads and validates the content files (throws ConfigError naming the file and field). */
  load: () => KefuContent;
  /** The start-up model: a reload waits for it, so it can never be overwritten by it. */
  startup: Promise<unknown>;
  /** Trains off the event loop (or loads the cached model for this corpus). */
  train: (corpus: Corpus) => Promise<LoadedClassifier>;
  /** Trains (or loads) the risk model for this content. */
  trainRisk: (content: KefuContent) => Promise<LoadedRiskModel>;
  recognizer: KefuRecognizer;
  kb: KnowledgeBase;
  risk: RiskScanner;
  emotion: EmotionDetector;
  riskHandling: RiskHandling;
  compliance: ComplianceFilter;
  canned: CannedLibrary;
  log: Logger;
}

/**
 * Re-reads what operators edit — corpus (phrasings, entity lists), answers, menu, emotion and risk
 * lexicons, the compliance list, the canned replies — and swaps it in without a restart. The old model answers every
 * message until the new one is trained in a worker; a file that fails validation changes nothing.
 * Agents and routing still take a restart (they shape conversations already in the queues).
 */
export class ContentReloader {
  private running = false;

  constructor(private readonly deps: ContentReloaderDeps) {}

  async reload(): Promise<ReloadOutcome> {
    if (this.running) return refused('reload_in_progress');
    this.running = true;
    try {
      await this.deps.startup.catch(() => undefined);
      let data: KefuContent;
      try {
        data = this.deps.load();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        this.deps.log.warn('content reload refused', { error: err.message });
        return refused('invalid_config', err.message);
      }
      const [loaded, riskLoaded] = await Promise.all([this.deps.train(data.corpus), this.deps.trainRisk(data)]);
      this.deps.recognizer.useClassifier(loaded.classifier);
      this.deps.kb.replace(data.answers, data.menu);
      this.deps.risk.replace(data.risk);
      this.deps.risk.useModel(riskLoaded.model);
      this.deps.emotion.replace(data.emotion);
      this.deps.riskHandling.replace(data.riskHandling);
      this.deps.compliance.replace(data.compliance);
      this.deps.canned.replace(data.canned);
      const report: ReloadReport = {
        intents: { zh: Object.keys(data.corpus.zh.intents).length, en: Object.keys(data.corpus.en.intents).length },
        model: { source: loaded.source, key: loaded.key, ms: Math.round(loaded.ms) },
      };
      this.deps.log.info('content reloaded', { ...report.intents, model: loaded.source, modelMs: report.model.ms });
      return { ok: true, report };
    } finally {
      this.running = false;
    }
  }
}
