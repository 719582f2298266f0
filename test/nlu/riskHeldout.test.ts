import { expect } from 'chai';
import { loadData, parseEnv } from '../../bot/config';
import { fromRoot } from '../../kernel/paths';
import { EmotionDetector } from '../../nlu/emotion';
import { loadOrTrain } from '../../nlu/modelCache';
import { KefuRecognizer } from '../../nlu/recognizer';
import { intentSignalOf, RiskScanner } from '../../nlu/risk';
import { RISK_CLASSES } from '../../nlu/riskCorpus';
import { evaluateRisk, readRiskLabelled } from '../../nlu/riskEval';
import { loadOrTrainRisk } from '../../nlu/riskModelCache';

/**
 * Seventeen held-out sets, each written by a separate hand from the training data: the first; the
 * second (mostly indirect wordings), the third to the seventeenth (each written after the corpus grew,
 * scored before it was ever looked at; the fifth in the voices the others lack — older
 * customers' voice input, teenagers' slang, live-commerce buyers, parents, non-native English, and
 * benign traps for more than half of its benign lines) each by one that never saw the corpus or
 * the other sets.
 */
interface HeldOutSet {
  file: string;
  /** Risky lines required (the issue asks for 150; a set that lost training sentences says so). */
  minRisky?: number;
  floors: { recall: number; categoryAccuracy: number; maxFalseAlarmRate: number };
  /** A set of everyday messages only (no risk, no traps): what share of ordinary traffic would be escalated. */
  everyday?: true;
}
const SETS: readonly HeldOutSet[] = [
  { file: 'test/fixtures/risk-heldout.jsonl', floors: { recall: 0.94, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.04 } },
  { file: 'test/fixtures/risk-heldout-2.jsonl', floors: { recall: 0.93, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.03 } },
  { file: 'test/fixtures/risk-heldout-3.jsonl', floors: { recall: 0.92, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.04 } },
  { file: 'test/fixtures/risk-heldout-4.jsonl', floors: { recall: 0.96, categoryAccuracy: 0.94, maxFalseAlarmRate: 0.04 } },
  { file: 'test/fixtures/risk-heldout-5.jsonl', floors: { recall: 0.96, categoryAccuracy: 0.94, maxFalseAlarmRate: 0.08 } },
  // Five of its 150 risky lines were training sentences ("stfu", "nmsl"…) and were removed.
  { file: 'test/fixtures/risk-heldout-6.jsonl', minRisky: 145, floors: { recall: 0.95, categoryAccuracy: 0.95, maxFalseAlarmRate: 0.05 } },
  { file: 'test/fixtures/risk-heldout-7.jsonl', floors: { recall: 0.94, categoryAccuracy: 0.95, maxFalseAlarmRate: 0.05 } },
  { file: 'test/fixtures/risk-heldout-8.jsonl', floors: { recall: 0.92, categoryAccuracy: 0.95, maxFalseAlarmRate: 0.04 } },
  { file: 'test/fixtures/risk-heldout-9.jsonl', floors: { recall: 0.92, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.05 } },
  { file: 'test/fixtures/risk-heldout-10.jsonl', floors: { recall: 0.9, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.05 } },
  { file: 'test/fixtures/risk-heldout-11.jsonl', floors: { recall: 0.93, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.06 } },
  { file: 'test/fixtures/risk-heldout-12.jsonl', floors: { recall: 0.92, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.06 } },
  { file: 'test/fixtures/risk-heldout-13.jsonl', floors: { recall: 0.95, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.08 } },
  { file: 'test/fixtures/risk-heldout-14.jsonl', floors: { recall: 0.93, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.05 } },
  // Its benign lines share the risky ones' words and topics: 10.9% flagged at the session start, 10.1% now.
  { file: 'test/fixtures/risk-heldout-15.jsonl', floors: { recall: 0.95, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.13 } },
  // Written from a brief of categories and trap kinds; 15 training sentences dropped. Scored at the 2026-12-05 (ninth) session's start: 97.7 / 99.5 / 2.5% (3 of 121); final 98.6 / 99.5 / 1.7%.
  { file: 'test/fixtures/risk-heldout-16.jsonl', floors: { recall: 0.95, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.05 } },
  // Two thirds of its benign lines hard traps; 8 training sentences dropped. Read by no one until the ninth session's last model: start 98.0 / 99.5 / 5.9% (8 of 136), final 97.5 / 100 / 3.7%.
  { file: 'test/fixtures/risk-heldout-17.jsonl', floors: { recall: 0.94, categoryAccuracy: 0.96, maxFalseAlarmRate: 0.07 } },
  // 626 ordinary messages (zh and en; 78 that are training sentences dropped) by a writer who read no corpus: 1.6% flagged (10) at the session start and with the everyday list, 1.4% (9) with the 1,088 phrasings of 2026-12-05, 1.1% (7) with the 653 traps after them and with the second batch.
  { file: 'test/fixtures/risk-everyday-heldout.jsonl', everyday: true, floors: { recall: 0, categoryAccuracy: 0, maxFalseAlarmRate: 0.025 } },
];
/** Same normal form for both sides: a held-out sentence differing only in case, spaces or punctuation is the same sentence. */
const normal = (t: string) => t.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');

/*
 * The held-out risk sets: never trained on. Floors sit a few points under the figures measured at
 * commit time (`npm run nlu -- eval-risk --test <file>`; BENCHMARKS.md "Risk"), so a change that
 * loses ground fails.
 */
for (const { file, floors: FLOORS, minRisky = 150, everyday = false } of SETS)
  describe(`high-risk detection on the held-out set ${file}`, function () {
    this.timeout(180_000);
    const rows = readRiskLabelled(fromRoot(file));
    const data = loadData(parseEnv({}));

    it('is big enough and covers every category in both languages, with benign traps', function () {
      if (everyday) {
        expect(rows.length).to.be.at.least(500);
        expect(rows.every((r) => r.category === 'none')).to.equal(true);
        return;
      }
      const risky = rows.filter((r) => r.category !== 'none');
      expect(risky.length).to.be.at.least(minRisky);
      expect(rows.length - risky.length).to.be.at.least(80);
      const zh = (t: string) => /\p{Script=Han}/u.test(t);
      for (const c of RISK_CLASSES) {
        const of = rows.filter((r) => r.category === c);
        expect(of.filter((r) => zh(r.text)).length, `${c} in Chinese`).to.be.at.least(10);
        expect(of.filter((r) => !zh(r.text)).length, `${c} in English`).to.be.at.least(10);
      }
    });

    it('shares no sentence with the training corpus (risk corpus and its everyday messages, intent corpus, lexicon)', () => {
      const trained = new Set<string>();
      for (const l of ['zh', 'en'] as const) {
        for (const texts of [...Object.values(data.riskCorpus[l].categories), data.riskCorpus[l].everyday]) for (const t of texts) trained.add(normal(t));
        for (const texts of Object.values(data.corpus[l].intents)) for (const t of texts) trained.add(normal(t));
      }
      const shared = rows.filter((r) => trained.has(normal(r.text))).map((r) => r.text);
      expect(shared).to.deep.equal([]);
    });

    it(`recall ≥ ${String(FLOORS.recall)}, right category ≥ ${String(FLOORS.categoryAccuracy)}, false alarms ≤ ${String(FLOORS.maxFalseAlarmRate)}`, async () => {
      const env = parseEnv({});
      const cacheDir = fromRoot(env.NLU_MODEL_CACHE_DIR);
      const [risk, intents] = await Promise.all([
        loadOrTrainRisk({ corpus: data.riskCorpus, lexicon: data.risk, intents: data.corpus }, cacheDir, () => undefined),
        loadOrTrain(data.corpus, { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT }, cacheDir, () => undefined),
      ]);
      const scanner = new RiskScanner(data.risk);
      scanner.useModel(risk.model);
      const recognizer = new KefuRecognizer({ threshold: env.NLU_THRESHOLD, emotion: new EmotionDetector(data.emotion) });
      recognizer.useClassifier(intents.classifier);
      const report = await evaluateRisk(scanner, rows, async (text) => intentSignalOf(await recognizer.recognize(text)));
      if (!everyday) {
        expect(report.recall, 'recall').to.be.at.least(FLOORS.recall);
        expect(report.category_accuracy, 'category accuracy').to.be.at.least(FLOORS.categoryAccuracy);
      }
      expect(report.false_alarm_rate, 'false alarms').to.be.at.most(FLOORS.maxFalseAlarmRate);
    });
  });
