import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CorpusFile, type Corpus } from '../../nlu/corpus';
import { fromRoot } from '../../kernel/paths';
import { RiskScanner } from '../../nlu/risk';
import { RISK_CLASSES, readRiskCorpus, riskCorpusFile, RiskCorpusFile, type RiskCorpus } from '../../nlu/riskCorpus';
import { inflections, RiskLexiconFile, type RiskLexiconData } from '../../nlu/riskLexicon';
import { chooseThresholds, RiskModel, type Scored } from '../../nlu/riskModel';
import { loadOrTrainRisk } from '../../nlu/riskModelCache';
import { RiskAssessment } from '../../nlu/riskTypes';

const run = promisify(execFile);
const json = (file: string): unknown => JSON.parse(readFileSync(fromRoot(`nlu/data/${file}`), 'utf8'));
const lexicon = (): RiskLexiconData => RiskLexiconFile.parse(json('risk.json'));
const intents = (): Corpus => ({ zh: CorpusFile.parse(json('corpus.zh.json')), en: CorpusFile.parse(json('corpus.en.json')) });
/** The shipped lexicon with every word list emptied: what the model and the intent decide alone. */
const withoutWords = (): RiskLexiconData => {
  const data = lexicon();
  for (const c of Object.values(data.categories)) {
    c.zh = [];
    c.en = [];
  }
  return data;
};

// The failures seen in production with the word list alone; none of these sentences is in the risk corpus.
const OBSERVED_RISKS = [
  ['他说要弄死我', 'safety', 'critical'],
  ['someone is threatening to hurt me', 'safety', 'critical'],
  ['饭菜是馊的，已经坏了', 'food_safety', 'critical'],
  ['吃完你们家的外卖拉肚子了，一直吐', 'food_safety', 'critical'],
  ['外卖里吃出了虫子', 'food_safety', 'critical'],
  ['我的支付密码被人改了', 'security', 'high'],
  ['有人用我的账号下了好多单，不是我买的', 'security', 'high'],
] as const;
const OBSERVED_FALSE_ALARMS = [
  '打我电话',
  '律师函警告这个梗是什么意思',
  '饿死了',
  '饿死了，外卖怎么还不到',
  '食品安全法是什么',
  'this price is killing me lol',
];

describe('risk corpus and lexicon files', () => {
  it('the shipped risk corpus validates, with enough phrasings per class and language', () => {
    const corpus = readRiskCorpus(fromRoot('nlu/data'));
    for (const locale of ['zh', 'en'] as const) {
      expect(corpus[locale].locale).to.equal(locale);
      for (const cls of RISK_CLASSES) expect(corpus[locale].categories[cls].length, `${locale} ${cls}`).to.be.at.least(cls === 'none' ? 200 : 60);
    }
  });

  it('rejects a phrasing listed under two classes, and a file of the wrong language', () => {
    const corpus = json('risk-corpus.zh.json') as RiskCorpus['zh'];
    const twice = { ...corpus, categories: { ...corpus.categories, none: [...corpus.categories.none, corpus.categories.safety[0]] } };
    const result = RiskCorpusFile.safeParse(twice);
    expect(result.success).to.equal(false);
    expect(result.error?.issues[0].path[0]).to.equal('categories');
    expect(result.error?.issues[0].message).to.include('is already listed under');
    expect(riskCorpusFile('en').safeParse(corpus).success).to.equal(false);
    expect(riskCorpusFile('zh').safeParse(corpus).success).to.equal(true);
  });

  it('risk.json rejects a symptom that no category lists, naming the field', () => {
    const data = json('risk.json') as RiskLexiconData;
    const result = RiskLexiconFile.safeParse({ ...data, symptoms: { zh: ['呕吐'], en: ['vomiting', 'feeling blue'] } });
    expect(result.success).to.equal(false);
    expect(result.error?.issues[0].path).to.deep.equal(['symptoms', 'en', 1]);
    expect(result.error?.issues[0].message).to.include('"feeling blue" is not a listed phrase');
  });

  it('risk.json validates, with abuse, the intent signals and the model budgets', () => {
    const data = lexicon();
    expect(data.categories.abuse.severity).to.equal('high');
    expect(data.categories.safety.severity).to.equal('critical');
    expect(data.intents.food_safety.category).to.equal('food_safety');
    expect(data.intents.account_stolen.category).to.equal('security');
    expect(data.model.maxFalseAlarmRate).to.be.within(0, 1);
  });
});

describe('RiskScanner: the lexicon (no model yet)', () => {
  const scanner = new RiskScanner(lexicon());

  it('a listed phrase fires with its severity; the scan says it came from the lexicon', () => {
    expect(scanner.modelReady).to.equal(false);
    expect(scanner.scan('我要去法院起诉你们')).to.deep.include({ level: 'high', category: 'legal', source: 'lexicon', score: 1 });
    expect(scanner.scan('I want to kill myself')).to.deep.include({ level: 'critical', category: 'safety', source: 'lexicon' });
    expect(scanner.scan('sb客服')).to.deep.include({ level: 'high', category: 'abuse' });
    expect(scanner.scan("I cut myself and it won't stop bleeding")).to.deep.include({ category: 'safety' });
    // A negated "stop" a word or two before affirms it too: it is no denial of the bleeding.
    expect(scanner.scan("cut my hand on the broken plate in the box and i can't stop the bleeding")).to.deep.include({ category: 'safety' });
    expect(scanner.scan('the cut is not bleeding anymore').level).to.equal('none');
  });

  it('an English phrase fires in its inflected forms too: "end it all" is also "ending it all", "ended it all"', () => {
    const data = lexicon();
    data.categories.safety.en = ['end it all'];
    const only = new RiskScanner(data);
    for (const text of ['been thinking about ending it all lately', 'he nearly ended it all last year', 'she says she ends it all tonight']) {
      expect(only.scan(text), text).to.deep.include({ category: 'safety', source: 'lexicon', matched: [/\w+ it all/.exec(text)?.[0]] });
    }
    expect(only.scan('the endings of it all were sad').level).to.equal('none');
    expect(inflections('take my own life')).to.include.members(['takes my own life', 'taking my own life']);
    expect(inflections('stabbed')).to.deep.equal(['stabbed']); // already inflected: left as listed
  });

  it('exclusions and negations hold', () => {
    for (const text of [
      '打我电话',
      '到了打我手机',
      '我家的烟雾报警器一直响，怎么关',
      '我没有被盗号，只是忘了密码',
      '钱没被盗刷，是我自己买的',
      "I'm not going to sue you, just want my refund",
      '骨折价的活动还有吗',
      // Prevention is no event: 防/防范/识别, avoid/protect/spot.
      '平时怎么防范冒充客服的电话',
      '怎么识别冒充客服的骗子',
      'any tips to avoid phishing links?',
    ]) {
      expect(scanner.scan(text).level, text).to.equal('none');
    }
  });

  it('an A-not-A question (是不是, 会不会, 有没有) asks, it does not deny', () => {
    expect(scanner.scan('钱包被偷了 里面的卡会不会被盗刷')).to.deep.include({ category: 'security' });
    expect(scanner.scan('密码突然登不上了 是不是被盗号了')).to.deep.include({ category: 'security' });
    expect(scanner.scan('帮我看看有没有被盗刷')).to.deep.include({ category: 'security' });
    expect(scanner.scan('不是被盗号，是我自己改的密码').level).to.equal('none');
    expect(scanner.scan('钱没被盗刷').level).to.equal('none');
  });

  it('a message that says it is only asking or joking does not fire a listed phrase of the framed categories; self-harm always fires', () => {
    expect(scanner.scan('就是问问 如果账号被盗了一般怎么找回').level).to.equal('none');
    expect(scanner.scan('if i ever get hacked how do i get my account back? asking in advance').level).to.equal('none');
    expect(scanner.scan('账号被盗了 怎么找回')).to.deep.include({ category: 'security' });
    expect(scanner.scan('my account got hacked, how do i get it back')).to.deep.include({ category: 'security' });
    expect(scanner.scan('哈哈 不想活了')).to.deep.include({ level: 'critical', category: 'safety' });
    // Nor their topic intent: a question about food safety is the food_safety intent too.
    const sure = { intent: 'food_safety', score: 0.95 };
    expect(scanner.scan('就是问问 外卖里吃出虫子一般怎么赔', sure).level).to.equal('none');
    expect(scanner.scan('外卖里吃出虫子了 怎么赔', sure)).to.deep.include({ category: 'food_safety' });
    // "lol" must stand as a word: not inside "lollipop".
    expect(scanner.scan('the lollipop order: my account got hacked')).to.deep.include({ category: 'security' });
  });

  it('a matter the customer says is settled does not fire — unless the message turns ("但", "but") or the settling is negated', () => {
    expect(scanner.scan('上次吃出头发的事已经赔偿了 这次想问下会员怎么续费').level).to.equal('none');
    expect(scanner.scan('the fraud thing from last month got resolved by my bank, just here about points').level).to.equal('none');
    // What follows a contrast is news: it fires.
    expect(scanner.scan('之前被盗的号已经找回来了 但是钱被转走了')).to.deep.include({ category: 'security' });
    expect(scanner.scan('上次吃出头发已经赔过了 这次又吃出头发')).to.deep.include({ category: 'food_safety' });
    expect(scanner.scan('the last scam got sorted but now someone hacked my account again')).to.deep.include({ category: 'security' });
    expect(scanner.scan('就是问问，但是我真的被盗刷了')).to.deep.include({ category: 'security' });
    // A settling denied is no settling.
    expect(scanner.scan("it never got resolved, I'm filing a complaint with the FTC")).to.deep.include({ category: 'legal' });
    expect(scanner.scan('客服说已经解决了 但根本没人管 我要去12315投诉')).to.deep.include({ category: 'legal' });
    // Self-harm is never framed away.
    expect(scanner.scan('上次的事已经处理好了 我不想活了')).to.deep.include({ level: 'critical', category: 'safety' });
  });

  it('a legal step named beside a fraud is legal (the customer is escalating)', () => {
    expect(scanner.scan('已经报警了 你们这就是诈骗')).to.deep.include({ category: 'legal', source: 'lexicon' });
    expect(scanner.scan('I filed a police report for fraud')).to.deep.include({ category: 'legal' });
    expect(scanner.scan('有人冒充客服诈骗我')).to.deep.include({ category: 'security' });
  });

  it('its result is a valid RiskAssessment (what the context packet stores)', () => {
    const risk = scanner.scan('我要去法院起诉你们');
    expect(RiskAssessment.parse(risk)).to.deep.equal(risk);
    expect(RiskAssessment.parse({ level: 'none', matched: [] })).to.deep.equal({ level: 'none', matched: [] });
  });

  it('a confident food_safety or account_stolen intent is a risk of that category', () => {
    const data = lexicon();
    const quiet = new RiskScanner(withoutWords());
    const sure = data.intents.food_safety.minScore;
    expect(quiet.scan('送来的东西有问题', { intent: 'food_safety', score: Math.min(1, sure + 0.1) })).to.deep.include({
      level: 'critical',
      category: 'food_safety',
      source: 'intent',
      matched: ['intent:food_safety'],
    });
    expect(quiet.scan('账号有问题', { intent: 'account_stolen', score: 0.95 })).to.deep.include({ level: 'high', category: 'security', source: 'intent' });
    expect(quiet.scan('送来的东西有问题', { intent: 'food_safety', score: sure - 0.2 }).level).to.equal('none');
    expect(quiet.scan('送来的东西有问题', { intent: 'refund_request', score: 0.99 }).level).to.equal('none');
  });

  it('a negated risk phrase vetoes the intent of its category', () => {
    expect(scanner.scan('我没有被盗号，只是忘了密码', { intent: 'account_stolen', score: 0.95 }).level).to.equal('none');
    expect(scanner.scan('我的账号被盗了', { intent: 'account_stolen', score: 0.95 })).to.deep.include({ category: 'security', source: 'lexicon' });
  });

  it('severity comes from risk.json', () => {
    const data = lexicon();
    data.categories.food_safety.severity = 'high';
    expect(new RiskScanner(data).scan('我食物中毒了').level).to.equal('high');
  });
});

describe('RiskScanner with the risk model', function () {
  this.timeout(120_000);
  let dir: string;
  let model: RiskModel;
  let scanner: RiskScanner;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-risk-'));
    const input = { corpus: readRiskCorpus(fromRoot('nlu/data')), lexicon: lexicon(), intents: intents() };
    const trained = await loadOrTrainRisk(input, dir, () => undefined);
    expect(trained.source).to.equal('trained');
    // The same content loads from the cache next time.
    const cached = await loadOrTrainRisk(input, dir, () => undefined);
    expect(cached.source).to.equal('cache');
    expect(cached.key).to.equal(trained.key);
    model = cached.model;
    scanner = new RiskScanner(lexicon());
    scanner.useModel(model);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [text, category, level] of OBSERVED_RISKS) {
    it(`flags "${text}" as ${category} (${level})`, () => {
      expect(scanner.scan(text)).to.deep.include({ level, category });
    });
  }

  for (const text of OBSERVED_FALSE_ALARMS) {
    it(`does not flag "${text}"`, () => {
      expect(scanner.scan(text).level).to.equal('none');
    });
  }

  it('the model alone (no word lists) catches the observed failures, and names the words that weighed', () => {
    const modelOnly = new RiskScanner(withoutWords(), model);
    for (const [text, category] of OBSERVED_RISKS) {
      const risk = modelOnly.scan(text);
      expect(risk, text).to.deep.include({ category, source: 'model' });
      expect(risk.score).to.be.within(0, 1);
      expect(risk.matched.length).to.be.greaterThan(0);
    }
    for (const text of OBSERVED_FALSE_ALARMS) expect(modelOnly.scan(text).level, text).to.equal('none');
  });

  it('a listed symptom names no cause: the model reading an injury or a swallowed part makes it safety; food keeps it food safety', () => {
    expect(scanner.scan('my little girl swallowed a button battery from the remote you sold and she keeps vomiting')).to.deep.include({
      level: 'critical',
      category: 'safety',
    });
    expect(scanner.scan("my son fell off the scooter you sold me, the handlebar snapped, we're in the emergency room")).to.deep.include({ category: 'safety' });
    expect(scanner.scan('儿子把你们卖的玩具里的小磁珠吞了两颗 现在一直吐')).to.deep.include({ level: 'critical', category: 'safety' });
    expect(scanner.scan('吃了你们家的烧烤 全家上吐下泻')).to.deep.include({ level: 'critical', category: 'food_safety' });
    expect(scanner.scan("ate your chicken wrap and now i'm vomiting nonstop")).to.deep.include({ category: 'food_safety' });
    // Without a model the symptom still fires, in its listed category: the floor holds.
    expect(new RiskScanner(lexicon()).scan('儿子把你们卖的玩具里的小磁珠吞了两颗 现在一直吐')).to.deep.include({
      level: 'critical',
      category: 'food_safety',
      source: 'lexicon',
    });
  });

  it('the lexicon is a floor: a listed phrase fires whatever the model thinks', () => {
    const data = lexicon();
    data.categories.security.zh.push('今天的天气');
    const floor = new RiskScanner(data, model);
    expect(model.predict('今天的天气真好').flagged).to.equal(false);
    expect(floor.scan('今天的天气真好')).to.deep.include({ category: 'security', source: 'lexicon' });
  });

  it("the lexicon's exclusions hold against the model: an excluded phrase is blanked for every signal", () => {
    const data = lexicon();
    data.exclusions.zh.push('他说要弄死我');
    expect(scanner.scan('他说要弄死我').level).to.equal('critical');
    expect(new RiskScanner(data, model).scan('他说要弄死我').level).to.equal('none');
  });

  it("a negated lexicon phrase vetoes the model's verdict in that category", () => {
    expect(scanner.scan('我没有被盗号，只是忘了密码').level).to.equal('none');
    expect(scanner.scan("I'm not going to sue you, just want my refund").level).to.equal('none');
  });

  it('the most severe signal decides: a legal word and a threat to the customer is safety', () => {
    expect(scanner.scan('我要报警，他说要弄死我')).to.deep.include({ level: 'critical', category: 'safety' });
  });

  it('the intent adds what the model missed, and never overrides a more severe category', () => {
    const data = lexicon();
    const text = '送来的东西有问题';
    expect(scanner.scan(text).level).to.equal('none');
    expect(scanner.scan(text, { intent: 'food_safety', score: data.intents.food_safety.minScore })).to.deep.include({
      category: 'food_safety',
      source: 'intent',
    });
    expect(scanner.scan('他说要弄死我', { intent: 'account_stolen', score: 0.99 })).to.deep.include({ category: 'safety' });
  });

  it('a model survives serialisation (the cache file)', () => {
    const again = RiskModel.fromData(JSON.parse(JSON.stringify(model.toData())) as ReturnType<RiskModel['toData']>);
    for (const text of ['他说要弄死我', 'someone is threatening to hurt me', '饿死了']) expect(again.predict(text)).to.deep.equal(model.predict(text));
  });

  it('cross-validation chose the threshold within the false-alarm budgets', () => {
    const budget = lexicon().model;
    for (const l of ['zh', 'en'] as const) {
      const v = model.validation[l];
      expect(v.falseAlarmRate).to.be.at.most(budget.maxFalseAlarmRate);
      expect(v.everydayFalseAlarmRate).to.be.at.most(budget.maxEverydayFalseAlarmRate);
      expect(v.recall).to.be.greaterThan(0.6);
      expect(v.threshold).to.be.within(0, 1);
    }
  });
});

describe('chooseThresholds', () => {
  const row = (label: string, risk: number, critical = 0): Scored => ({
    label,
    risk,
    category: label === 'none' ? 'legal' : (label as Scored['category']),
    critical,
    criticalCategory: critical ? 'safety' : undefined,
  });
  const traps = [0.9, 0.5, 0.3, 0.2, 0.1, 0.1, 0.1, 0.05, 0.02, 0.01].map((r) => row('none', r));

  it('catches the most risks within the false-alarm budget, from the middle of the range that does', () => {
    const corpus = [...traps, row('legal', 0.95), row('legal', 0.8), row('legal', 0.6), row('legal', 0.4)];
    // 10% of 10 traps: 0.9 may be flagged, 0.5 may not; 0.6 is the lowest risk above it.
    const t = chooseThresholds(corpus, [], { maxFalseAlarmRate: 0.1, maxEverydayFalseAlarmRate: 1 }, ['safety']);
    expect(t.threshold).to.be.greaterThan(0.5).and.at.most(0.6);
    expect(chooseThresholds(corpus, [], { maxFalseAlarmRate: 0, maxEverydayFalseAlarmRate: 1 }, ['safety']).threshold)
      .to.be.greaterThan(0.9)
      .and.at.most(0.95);
  });

  it('everyday messages have their own budget', () => {
    const corpus = [...traps, row('legal', 0.95), row('legal', 0.8), row('legal', 0.6)];
    const everyday = [0.85, 0.1, 0.1, 0.1].map((r) => row('none', r));
    expect(chooseThresholds(corpus, everyday, { maxFalseAlarmRate: 0.1, maxEverydayFalseAlarmRate: 0 }, ['safety']).threshold)
      .to.be.greaterThan(0.85)
      .and.at.most(0.95);
  });

  it('gives a critical category its own, lower bar when that catches more within budget', () => {
    const corpus = [...traps, row('safety', 0.45, 0.4), row('safety', 0.42, 0.38), row('legal', 0.95)];
    const t = chooseThresholds(corpus, [], { maxFalseAlarmRate: 0.1, maxEverydayFalseAlarmRate: 1 }, ['safety']);
    expect(t.criticalThreshold).to.be.at.most(0.35);
    expect(t.critical).to.deep.equal(['safety']);
  });
});

describe('npm run nlu -- eval-risk', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-eval-risk-'));
    const rows = [
      { text: '骑手说要来我家砍我', category: 'safety' },
      { text: '有人盗刷了我的信用卡', category: 'security' },
      { text: 'I found a cockroach in my soup', category: 'food_safety' },
      { text: '饿死了，骑手快点', category: 'none' },
      { text: 'call me when you get here', category: 'none' },
    ];
    writeFileSync(join(dir, 'risk.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(
      join(dir, 'risk-2.jsonl'),
      [JSON.stringify({ text: '律师函已经寄出', category: 'legal' }), JSON.stringify({ text: '发票怎么开', category: 'none' })].join('\n'),
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports recall, category accuracy, false alarms, scan latency and (with --errors) the misclassified', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        fromRoot('dist/tools/nluCli.js'),
        'eval-risk',
        '--test',
        join(dir, 'risk.jsonl'),
        '--test',
        join(dir, 'risk-2.jsonl'),
        '--no-intent',
        '--no-cache',
        '--errors',
      ],
      {
        cwd: fromRoot('.'),
        maxBuffer: 1 << 22,
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown> & { model: { source: string } };
    const report = out[join(dir, 'risk.jsonl')] as {
      n: number;
      risky: number;
      benign: number;
      recall: number;
      false_alarm_rate: number;
      category_accuracy: number;
      p99_ms: number;
      errors: unknown[];
    };
    expect(out.model.source).to.equal('trained');
    expect(report).to.include({ n: 5, risky: 3, benign: 2 });
    for (const k of ['recall', 'category_accuracy', 'false_alarm_rate', 'p99_ms'] as const) expect(report[k]).to.be.a('number');
    expect(report.errors).to.be.an('array');
    expect(report.recall).to.be.at.least(2 / 3);
    expect(report.false_alarm_rate).to.equal(0);
    // Several files: the scan's latency over all their lines together as well.
    expect(out.scan_latency).to.include({ lines: 7 });
    expect((out.scan_latency as { p99_ms: number }).p99_ms).to.be.a('number');
  });
});
