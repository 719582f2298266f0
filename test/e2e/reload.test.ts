import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../kernel/paths';
import { BotClient } from '../../testkit/botClient';
import { NO_RATE_LIMITS } from '../../testkit/kefuProcess';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

const SUPERVISOR = 'test-token-sue';
const AGENT = 'test-token-alice';

/** An operator edits the content files of a running kefu and reloads them without a restart. */
describe('content reload without a restart', function () {
  this.timeout(120_000);
  let dir: string;
  let kefu: RunningKefu;

  const reload = (token?: string) => fetch(`${kefu.url}/agent/v1/admin/reload`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const parse = async (text: string) => {
    const res = await fetch(`${kefu.url}/api/nlu/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    return { status: res.status, body: (await res.json()) as { intent: string } };
  };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the shape of the data file the caller edits: a cast of JSON.parse by design
  const editJson = <T = { intents: Record<string, unknown> }>(file: string, edit: (json: T) => void) => {
    const path = join(dir, 'data', file);
    const json = JSON.parse(readFileSync(path, 'utf8')) as T;
    edit(json);
    writeFileSync(path, JSON.stringify(json, null, 2));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-reload-'));
    cpSync(fromRoot('nlu/data'), join(dir, 'data'), { recursive: true });
    cpSync(fromRoot('bot/data/compliance.json'), join(dir, 'data', 'compliance.json'));
    // This test polls /api/nlu/parse as fast as it can while a model trains: the rate limits are not what it tests.
    kefu = await startKefu({
      ...NO_RATE_LIMITS,
      NLU_DATA_DIR: join(dir, 'data'),
      NLU_MODEL_CACHE_DIR: join(dir, 'cache'),
      COMPLIANCE_FILE: join(dir, 'data', 'compliance.json'),
      AGENTS_FILE: 'test/fixtures/agents.test.json',
    });
  });

  after(async () => {
    await (kefu as RunningKefu | undefined)?.close(); // unset when before() failed
    rmSync(dir, { recursive: true, force: true });
  });

  it('only a supervisor may reload', async () => {
    expect((await reload()).status).to.equal(401);
    const res = await reload(AGENT);
    expect(res.status).to.equal(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('forbidden');
  });

  it('a new intent and its answer take effect; messages are answered by the old model while the new one trains', async () => {
    expect((await parse('你们门店几点开门')).body.intent).to.not.equal('store_hours');
    editJson('corpus.zh.json', (c) => {
      c.intents.store_hours = ['你们几点开门', '门店营业时间', '几点关门', '周末营业吗', '营业时间是几点到几点', '晚上几点打烊'];
    });
    editJson('corpus.en.json', (c) => {
      c.intents.store_hours = ['what are your opening hours', 'when do you open', 'what time do you close', 'are you open on sundays', 'store hours please'];
    });
    editJson('answers.json', (a) => {
      a.intents.store_hours = { zh: '门店营业时间为每天 9:00–21:00。', en: 'Our stores are open 9:00–21:00 every day.' };
    });

    const reloading = reload(SUPERVISOR).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { intents: { zh: number }; model: { source: string } },
    }));
    let done = false as boolean; // set when the reload settles
    void reloading.finally(() => {
      done = true;
    });
    // While the model trains in its worker, the server keeps classifying with the old one.
    const during: Array<{ status: number; body: { intent: string } }> = [];
    while (!done) during.push(await parse('我要退款'));
    const result = await reloading;
    expect(result.status).to.equal(200);
    expect(result.body.model.source).to.equal('trained');
    // Training on the main thread would hold every request until it ended: one or two would fit.
    expect(during.length, 'requests answered while the new model trained').to.be.greaterThan(10);
    expect(
      during.every((r) => r.status === 200 && r.body.intent === 'refund_request'),
      'each answered, by the running model',
    ).to.equal(true);

    expect((await parse('你们门店几点开门')).body.intent).to.equal('store_hours');
    const client = new BotClient(kefu.url, { locale: 'en' });
    expect(await client.say('what time do you open on sundays')).to.include('9:00–21:00');
  });

  it('risk words and the compliance list take effect too', async () => {
    const scan = async (text: string) => {
      const res = await fetch(`${kefu.url}/api/nlu/parse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      return ((await res.json()) as { risk: { level: string; matched: string[] } }).risk;
    };
    const check = async (text: string) => {
      const res = await fetch(`${kefu.url}/agent/v1/compliance/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return ((await res.json()) as { violations: Array<{ rule: string }> }).violations;
    };
    // An operator's word the model does not flag by itself (a harmless phrase, pushed as a test).
    expect((await scan('我想问一下扫码点餐怎么用')).level).to.equal('none');
    expect(await check('我们保证今天包邮到家')).to.deep.equal([]);
    editJson<{ categories: { security: { en: string[]; zh: string[] } } }>('risk.json', (r) => {
      r.categories.security.zh.push('扫码点餐');
    });
    editJson<{ rules: Array<{ id: string; phrases: string[] }> }>('compliance.json', (c) => {
      c.rules.push({ id: 'shipping_promises', phrases: ['包邮到家'] });
    });
    expect((await reload(SUPERVISOR)).status).to.equal(200);
    const risk = await scan('我想问一下扫码点餐怎么用');
    expect(risk.level).to.not.equal('none');
    expect(risk.matched).to.include('扫码点餐');
    expect((await check('我们保证今天包邮到家')).map((v) => v.rule)).to.include('shipping_promises');
  });

  it('a second reload while one runs is refused with 409', async () => {
    editJson('corpus.zh.json', (c) => {
      (c.intents.store_hours as string[]).push('节假日营业吗');
    });
    const [a, b] = await Promise.all([reload(SUPERVISOR), reload(SUPERVISOR)]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
  });

  it('an invalid file is refused with the file and field named, and the running content stays', async () => {
    editJson('answers.json', (a) => {
      delete a.intents.store_hours;
    });
    const res = await reload(SUPERVISOR);
    expect(res.status).to.equal(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('invalid_config');
    expect(body.error.message).to.include('answers.json → intents.store_hours');
    expect((await parse('你们门店几点开门')).body.intent).to.equal('store_hours');
    const client = new BotClient(kefu.url, { locale: 'zh-CN' });
    expect(await client.say('门店营业时间')).to.include('9:00–21:00');
  });

  it('a broken risk lexicon is refused too, naming its field', async () => {
    editJson<{ categories: { security: { severity: string } } }>('risk.json', (r) => {
      r.categories.security.severity = 'medium';
    });
    const res = await reload(SUPERVISOR);
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).to.include('risk.json → categories.security.severity');
  });
});
