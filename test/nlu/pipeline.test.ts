import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gazetteer } from '../../nlu/gazetteer';
import { loadOrTrain } from '../../nlu/modelCache';
import { LinearClassifier } from '../../nlu/linearClassifier';
import { NlpjsClassifier } from '../../nlu/nlpjsClassifier';
import { EmotionDetector } from '../../nlu/emotion';
import type { IntentClassifier } from '../../nlu/hybridClassifier';
import { KefuRecognizer } from '../../nlu/recognizer';
import { loadData, parseEnv } from '../../bot/config';

describe('NLU pipeline parts', function () {
  this.timeout(60_000);

  describe('entity lists', () => {
    const gazetteer = new Gazetteer({
      courier: ['顺丰', '中通快递', 'EMS', 'ups'],
      place: ['中通'],
      payment: ['花呗', '微信支付', '支付宝'],
      tooShort: ['好'],
    });

    it('finds the longest entry at each position, case-insensitively, and ignores one-character entries', () => {
      expect(gazetteer.match('中通快递和顺丰哪个快')).to.deep.equal(['courier', 'courier']);
      expect(gazetteer.match('中通在哪')).to.deep.equal(['place']);
      expect(gazetteer.match('能用花呗或者微信支付吗')).to.deep.equal(['payment', 'payment']);
      expect(gazetteer.match('ems到了吗')).to.deep.equal(['courier']);
      expect(gazetteer.match('好的谢谢')).to.deep.equal([]);
    });

    it('does not match a Latin entry inside a longer word', () => {
      expect(gazetteer.match('systems are down')).to.deep.equal([]);
      expect(gazetteer.match('my top-ups failed')).to.deep.equal([]);
      expect(gazetteer.match('send it by ems please')).to.deep.equal(['courier']);
      expect(gazetteer.match('ems快递到了吗')).to.deep.equal(['courier']);
      expect(gazetteer.match('sent with UPS.')).to.deep.equal(['courier']);
    });

    it("lets a name never seen in training carry its list's intent", () => {
      const rows = [
        ...['顺丰到哪了', '顺丰什么时候到', '查一下顺丰物流', '顺丰还没送到', '顺丰派送进度'].map((text) => ({ text, intent: 'track_parcel' })),
        ...['怎么用支付宝付款', '支付宝付不了', '可以用支付宝吗', '支付宝扣款失败', '支付宝支付方式'].map((text) => ({ text, intent: 'payment' })),
      ];
      const lists = { courier: ['顺丰', '韵达', '圆通'], payment: ['支付宝', '云闪付'] };
      const withLists = LinearClassifier.train(rows, undefined, lists);
      expect(withLists.classify('韵达')[0].intent).to.equal('track_parcel');
      expect(withLists.classify('云闪付')[0].intent).to.equal('payment');
      // The lists survive serialisation (the model cache).
      expect(LinearClassifier.fromData(withLists.toData()).classify('圆通')[0].intent).to.equal('track_parcel');
    });
  });

  it('an explicit request for a person is read by rule, without the classifier; anything longer goes to the classifier', async () => {
    const asked: string[] = [];
    const classifier: IntentClassifier = {
      classify: (text) => {
        asked.push(text);
        return Promise.resolve([{ intent: 'complaint', score: 0.9 }]);
      },
    };
    const recognizer = new KefuRecognizer({ threshold: 0.5, emotion: new EmotionDetector(loadData(parseEnv({})).emotion) });
    recognizer.useClassifier(classifier);
    for (const text of ['转人工', '人工客服！', 'Agent', 'talk to a human!!', '转人工🙏']) {
      const r = await recognizer.recognize(text);
      expect([r.intent, r.score], text).to.deep.equal(['human_agent', 1]);
      expect(r.alternatives[0]).to.deep.equal({ intent: 'human_agent', score: 1 });
    }
    expect(asked).to.deep.equal([]);
    // A request inside a longer message (a complaint that ends in 转人工) is the classifier's to read.
    expect((await recognizer.recognize('骑手把汤洒了 转人工')).intent).to.equal('complaint');
    expect((await recognizer.recognize('is the agent fee refundable')).intent).to.equal('complaint');
    expect(asked).to.have.length(2);
  });

  it('a text with nothing the model knows is out of scope, not the most frequent intent', () => {
    const rows = ['退款', '我要退款', '申请退款', '退款怎么办', '能退款吗', '退钱']
      .map((text) => ({ text, intent: 'refund' }))
      .concat(['你好', '您好'].map((text) => ({ text, intent: 'greet' })));
    const model = LinearClassifier.train(rows);
    expect(model.classify('👍👍')).to.deep.equal([]);
    expect(model.classify('???')).to.deep.equal([]);
    expect(model.classify('我要退款')[0].intent).to.equal('refund');
  });

  it('a damaged model cache is retrained, with a warning, instead of answering with garbage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-'));
    try {
      const corpus = {
        zh: { locale: 'zh' as const, intents: { greet: ['你好', '您好', '在吗', '哈喽', '有人吗'], bye: ['再见', '拜拜', '回头见', '先这样', '没事了'] } },
        en: {
          locale: 'en' as const,
          intents: { greet: ['hello', 'hi there', 'good morning', 'hey', 'anyone there'], bye: ['bye', 'goodbye', 'see you', 'that is all', 'thanks bye'] },
        },
      };
      const settings = { zhFeatures: 'char-ngrams' as const, linearWeight: 1 };
      expect((await loadOrTrain(corpus, settings, dir, () => undefined)).source).to.equal('trained');
      const file = join(dir, readdirSync(dir)[0]);
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { model: { linear: { en: { weights: string } } } };
      cached.model.linear.en.weights = Buffer.from(new Float32Array(3).buffer).toString('base64');
      writeFileSync(file, JSON.stringify(cached));
      const warnings: string[] = [];
      const again = await loadOrTrain(corpus, settings, dir, (m) => warnings.push(m));
      expect(again.source).to.equal('trained');
      expect(warnings.join('\n')).to.include('do not match');
      expect((await again.classifier.classify('hello there', 'en'))[0].intent).to.equal('greet');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NLP.js keeps no per-text caches that grow with every new message', async () => {
    const corpus = {
      zh: { locale: 'zh' as const, intents: { greet: ['你好', '您好', '在吗', '哈喽', '有人吗'], bye: ['再见', '拜拜', '回头见', '先这样', '没事了'] } },
      en: {
        locale: 'en' as const,
        intents: { greet: ['hello', 'hi there', 'good morning', 'hey', 'anyone there'], bye: ['bye', 'goodbye', 'see you', 'that is all', 'thanks bye'] },
      },
    };
    const classifier = await NlpjsClassifier.train(corpus, { zhFeatures: 'char-ngrams' });
    const before = largeObjects(classifier);
    for (let i = 0; i < 3000; i += 1) {
      await classifier.classify(`hello number ${i} word${i}`, 'en');
      await classifier.classify(`你好${i}号`, 'zh-CN');
    }
    const after = largeObjects(classifier);
    for (const [path, size] of after) expect(size - (before.get(path) ?? 0), path).to.be.below(100);
  });
});

/** Every object reachable from `root` with more than 500 keys, by path: what a per-text cache would become. */
function largeObjects(root: object): Map<string, number> {
  const seen = new Set<object>();
  const found = new Map<string, number>();
  const walk = (value: unknown, path: string, depth: number) => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 10) return;
    seen.add(value);
    const keys = Object.keys(value);
    if (keys.length > 500) found.set(path, keys.length);
    if (keys.length > 5000) return; // model tables: counted, not walked
    for (const k of keys) walk((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
  };
  walk(root, 'nlp', 0);
  return found;
}
