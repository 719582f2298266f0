import { expect } from 'chai';
import { loadData, parseEnv } from '../../bot/config';
import { fromRoot } from '../../kernel/paths';
import { EmotionDetector } from '../../nlu/emotion';
import { evaluate } from '../../nlu/evaluate';
import { readLabelled } from '../../nlu/labelled';
import { loadOrTrain } from '../../nlu/modelCache';
import { KefuRecognizer } from '../../nlu/recognizer';

/**
 * Held-out phrasings written separately from the training corpus (different wording, not
 * templates), 15 per intent plus 60 out-of-scope per language; return_exchange has 8 more per
 * language, on faulty and damaged goods ("衣服质量有问题", "the item is broken"), written before the
 * corpus was taught that concept (before: 2 of 8 and 1 of 8 right). Measured at commit time:
 * zh 88.7%, en 85.0% overall (blend 0.85 linear / 0.15 NLP.js, threshold 0.1)
 * (`npm run nlu -- eval --test test/fixtures/nlu-heldout.zh.jsonl --test
 * test/fixtures/nlu-heldout.en.jsonl`). The floors sit a little below.
 */
const FLOORS = {
  zh: { file: 'test/fixtures/nlu-heldout.zh.jsonl', accuracy: 0.88, inScope: 0.88, oosRecall: 0.8 },
  en: { file: 'test/fixtures/nlu-heldout.en.jsonl', accuracy: 0.82, inScope: 0.8, oosRecall: 0.8 },
} as const;

describe("NLU held-out accuracy (the bot's own recogniser)", function () {
  this.timeout(120_000);
  let recognizer: KefuRecognizer;

  before(async () => {
    const env = parseEnv({});
    const data = loadData(env);
    const loaded = await loadOrTrain(
      data.corpus,
      { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT },
      fromRoot(env.NLU_MODEL_CACHE_DIR),
      () => undefined,
    );
    recognizer = new KefuRecognizer({ threshold: env.NLU_THRESHOLD, emotion: new EmotionDetector(data.emotion) });
    recognizer.useClassifier(loaded.classifier);
  });

  for (const [lang, floor] of Object.entries(FLOORS)) {
    it(`${lang}: overall ≥ ${floor.accuracy}, in-scope ≥ ${floor.inScope}, out-of-scope recall ≥ ${floor.oosRecall}`, async () => {
      const rows = readLabelled(fromRoot(floor.file));
      expect(rows.length).to.be.greaterThan(300);
      const report = await evaluate(recognizer, rows);
      expect(report.accuracy, 'overall accuracy').to.be.at.least(floor.accuracy);
      expect(report.inScope.accuracy, 'in-scope accuracy').to.be.at.least(floor.inScope);
      expect(report.outOfScope.recall, 'out-of-scope recall').to.be.at.least(floor.oosRecall);
    });
  }

  it('understands typos, couriers and payment methods it was never trained on, and not gibberish', async () => {
    const cases: Array<[string, string]> = [
      ['i want a refnd', 'refund_request'],
      ['wher is my ordr', 'order_status'],
      ['cancle my order', 'cancel_order'],
      ['my acount was hacked', 'account_stolen'],
      ['coupn not working', 'coupon'],
      ['极兔到哪了', 'order_status'],
      ['用云闪付付不了', 'payment_failed'],
      ['👍', 'None'],
      ['???', 'None'],
      ['asdfgh', 'None'],
    ];
    for (const [text, intent] of cases) expect((await recognizer.recognize(text)).intent, text).to.equal(intent);
  });

  it('no held-out phrasing appears in the training corpus', () => {
    const data = loadData(parseEnv({}));
    const train = new Set([...Object.values(data.corpus.zh.intents), ...Object.values(data.corpus.en.intents)].flat().map((t) => t.trim().toLowerCase()));
    const leaked = [...readLabelled(fromRoot(FLOORS.zh.file)), ...readLabelled(fromRoot(FLOORS.en.file))].filter((r) => train.has(r.text.trim().toLowerCase()));
    expect(leaked).to.deep.equal([]);
  });
});
