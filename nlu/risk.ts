import { RiskLexicon, type RiskLexiconData, type Severity } from './riskLexicon';
import type { RiskModel } from './riskModel';
import type { RiskCategory, RiskScan, RiskSource } from './riskTypes';
import type { NluResult } from './types';

export { RiskLexiconFile, type RiskLexiconData } from './riskLexicon';

/** What the recogniser made of the message: its best real intent and that intent's score. */
export interface IntentSignal {
  intent: string;
  score: number;
}

/** The intent signal of a recognised message: its best real intent and score (kept even when the message is out of scope). */
export function intentSignalOf(result: Pick<NluResult, 'alternatives'>): IntentSignal | undefined {
  const best = result.alternatives.at(0);
  return best ? { intent: best.intent, score: best.score } : undefined;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 2, high: 1 };
/** On equal severity the operator's words decide the category, then the model, then the intent (a listed symptom after the model). */
const SOURCE_RANK: Record<RiskSource, number> = { lexicon: 3, model: 2, intent: 1 };
/** A listed symptom (呕吐, "in the ER") names no cause: the model's category goes before it. */
const SYMPTOM_RANK = 1.5;
/**
 * Then legal before security: a customer who names a legal step ("报案 告你们诈骗", "police report
 * … fraud") is escalating, whatever the fraud (every such sentence of the risk corpus is legal).
 */
const TIE_RANK: Partial<Record<RiskCategory, number>> = { legal: 1 };

interface Candidate {
  category: RiskCategory;
  severity: Severity;
  score: number;
  source: RiskSource;
  matched: string[];
  /** Where the candidate stands among equally severe ones (SOURCE_RANK, or SYMPTOM_RANK). */
  rank: number;
}

/**
 * Scans every customer message, before the dialogs. Three signals, the most severe wins:
 * - the lexicon (`risk.json`), the operator's floor: a listed phrase always fires; its exclusions
 *   are blanked out before any signal reads the text, and a negated phrase ("没有被盗") vetoes its
 *   category for the other two signals;
 * - the risk model (`riskModel.ts`), once trained (`useModel`): it reads phrasings no list has;
 * - the topic intent: a confident `food_safety` or `account_stolen` (risk.json `intents`).
 * Synchronous and sub-millisecond: one n-gram pass and one list pass per message.
 */
export class RiskScanner {
  private lexicon: RiskLexicon;
  private model: RiskModel | undefined;

  constructor(data: RiskLexiconData, model?: RiskModel) {
    this.lexicon = new RiskLexicon(data);
    this.model = model;
  }

  /** Swaps in an edited lexicon (content reload); each scan sees the old lists or the new ones. */
  replace(data: RiskLexiconData): void {
    this.lexicon = new RiskLexicon(data);
  }

  /** Swaps in a trained risk model; until the first one, the lexicon and the intent decide alone. */
  useModel(model: RiskModel): void {
    this.model = model;
  }

  /** Whether the intent names a risk topic at its score (food_safety…): only then can it change a scan. */
  isRiskTopic(intent: IntentSignal | undefined): boolean {
    return intent !== undefined && this.lexicon.intentSignal(intent) !== undefined;
  }

  get modelReady(): boolean {
    return this.model !== undefined;
  }

  /**
   * The newest message read with the customer's previous ones (oldest first): the model's evidence
   * combined across them (RiskModel.predictConversation). Listed phrases and their negations in the
   * newest message still rule; without a model there is nothing to combine.
   */
  scanConversation(earlier: readonly string[], text: string): RiskScan {
    const model = this.model;
    const masked = this.lexicon.mask(text);
    const { vetoed } = this.lexicon.scan(masked);
    const prediction = model?.predictConversation([...earlier.map((t) => this.lexicon.mask(t)), masked]);
    if (!model || !prediction?.flagged || !prediction.category || vetoed.has(prediction.category)) {
      return { level: 'none', matched: [], score: round(prediction?.score ?? 0), source: model ? 'model' : 'lexicon' };
    }
    const category = prediction.category;
    return { level: this.lexicon.severity[category], category, matched: model.explain(masked, category), score: round(prediction.score), source: 'model' };
  }

  scan(text: string, intent?: IntentSignal): RiskScan {
    const lexicon = this.lexicon;
    const model = this.model;
    const masked = lexicon.mask(text);
    const { hits, vetoed, framed } = lexicon.scan(masked);
    const candidates: Candidate[] = hits.map((h) => ({
      category: h.category,
      severity: h.severity,
      score: 1,
      source: 'lexicon',
      matched: [h.term],
      rank: h.symptom ? SYMPTOM_RANK : SOURCE_RANK.lexicon,
    }));

    const prediction = model?.predict(masked);
    if (prediction?.flagged && prediction.category && !vetoed.has(prediction.category)) {
      const category = prediction.category;
      candidates.push({
        category,
        severity: lexicon.severity[category],
        score: prediction.score,
        source: 'model',
        matched: model?.explain(masked, category) ?? [],
        rank: SOURCE_RANK.model,
      });
    }
    const topic = intent ? lexicon.intentSignal(intent) : undefined;
    // A topic intent is what a question about the topic reads as too: "just asking" leaves it out.
    if (intent && topic && !vetoed.has(topic) && !framed.has(topic)) {
      candidates.push({
        category: topic,
        severity: lexicon.severity[topic],
        score: intent.score,
        source: 'intent',
        matched: [`intent:${intent.intent}`],
        rank: SOURCE_RANK.intent,
      });
    }

    if (candidates.length === 0) return { level: 'none', matched: [], score: round(prediction?.score ?? 0), source: model ? 'model' : 'lexicon' };
    candidates.sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        b.rank - a.rank ||
        (TIE_RANK[b.category] ?? 0) - (TIE_RANK[a.category] ?? 0) ||
        b.score - a.score,
    );
    const best = candidates[0];
    // The deciding evidence first, then every listed phrase found (an agent reads them in the summary).
    const matched = [...new Set([...best.matched, ...hits.map((h) => h.term)])];
    return { level: best.severity, category: best.category, matched, score: round(best.score), source: best.source };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
