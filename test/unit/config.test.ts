import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directLineOrigins, loadData, parseEnv } from '../../bot/config';
import { ConfigError } from '../../kernel/configError';
import { fromRoot } from '../../kernel/paths';

const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

const STRONG = 'q7Vd2mX9pL4sK8wR1tY6uZ3nB5cJ0hGf';
const PRODUCTION = {
  KEFU_MODE: 'production',
  BOT_CHANNEL_SECRET: STRONG,
  USER_TOKEN_SECRET: 'Zr8Tq1Wm5Xc2Vn7Bk4Lp9Hs3Jd6Fg0Ya',
  SERVICE_URL_ALLOWLIST: 'https://smba.trafficmanager.net/',
  AGENTS_FILE: 'test/fixtures/agents.test.json',
  METRICS_TOKEN: 'Pq7Ws2Ex9Rc4Tv1Yb6Un3Im8Ok5Lz0Ha',
};

describe('configuration is validated at start-up', () => {
  it('a production configuration with strong secrets and its own agents starts', () => {
    const env = parseEnv(PRODUCTION);
    expect(loadData(env).agents.map((a) => a.id)).to.include('alice');
  });

  it('production refuses the demo agents wherever the file was copied to (by token hash), naming AGENTS_FILE and the agent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-agents-'));
    cpSync(fromRoot('handoff/data/agents.demo.json'), join(dir, 'team.json'));
    const message = thrown(() => loadData(parseEnv({ ...PRODUCTION, AGENTS_FILE: join(dir, 'team.json') })));
    expect(message).to.contain('AGENTS_FILE').and.to.contain('public demo token');
    // Development mode keeps the demo working.
    expect(loadData(parseEnv({ AGENTS_FILE: join(dir, 'team.json') })).agents.length).to.be.greaterThan(0);
  });

  it('defaults to the embedded development setup', () => {
    const env = parseEnv({});
    expect(env).to.include({ PORT: 3978, KEFU_MODE: 'development', NLU_THRESHOLD: 0.1, NLU_LINEAR_WEIGHT: 0.85 });
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NLU_THRESHOLD: '1.5' }, 'NLU_THRESHOLD'],
    [{ KEFU_MODE: 'prod' }, 'KEFU_MODE'],
    [{ ORDER_SERVICE_URL: 'not a url' }, 'ORDER_SERVICE_URL'],
    [{ BOT_CHANNEL_SECRET: 'short' }, 'BOT_CHANNEL_SECRET'],
    [{ KEFU_MODE: 'production', USER_TOKEN_SECRET: STRONG }, 'BOT_CHANNEL_SECRET'],
    [{ KEFU_MODE: 'production', BOT_CHANNEL_SECRET: STRONG }, 'USER_TOKEN_SECRET'],
    [{ ...PRODUCTION, AGENTS_FILE: 'handoff/data/agents.demo.json' }, 'AGENTS_FILE'],
    // Security finding 2: public and guessable secrets.
    [{ ...PRODUCTION, USER_TOKEN_SECRET: 'kefu-development-user-token-secret' }, 'USER_TOKEN_SECRET'],
    [{ ...PRODUCTION, USER_TOKEN_SECRET: 'a'.repeat(40) }, 'USER_TOKEN_SECRET'],
    [{ ...PRODUCTION, BOT_CHANNEL_SECRET: 'abcd'.repeat(10) }, 'BOT_CHANNEL_SECRET'],
    [{ ...PRODUCTION, BOT_CHANNEL_SECRET: 'Short-but-16-chars!' }, 'BOT_CHANNEL_SECRET'],
    [{ ...PRODUCTION, DIRECTLINE_SECRET: 'x'.repeat(16) }, 'DIRECTLINE_SECRET'],
    [{ ...PRODUCTION, SERVICE_URL_ALLOWLIST: '' }, 'SERVICE_URL_ALLOWLIST'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7000' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_URL: 'redis://127.0.0.1:6379' }, 'REDIS_CLUSTER_NODES'],
    [{ HANDOFF_TIMEOUT_MS: '5' }, 'HANDOFF_TIMEOUT_MS'],
  ];
  for (const [env, variable] of bad) {
    it(`names ${variable} for ${JSON.stringify(env)}`, () => {
      expect(thrown(() => parseEnv(env))).to.contain(`environment variable ${variable}`);
    });
  }

  it('REDIS_CLUSTER_NODES is read as seed nodes', () => {
    expect(parseEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000, redis-b.internal:7001' }).REDIS_CLUSTER_NODES).to.deep.equal([
      { host: '127.0.0.1', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
    ]);
  });

  it('a routing.json time zone Intl does not know is refused at start-up, naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-routing-'));
    const routing = JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')) as { workingHours: { timeZone: string } };
    routing.workingHours.timeZone = 'Mars/Olympus';
    writeFileSync(join(dir, 'routing.json'), JSON.stringify(routing));
    const message = thrown(() => loadData(parseEnv({ ROUTING_FILE: join(dir, 'routing.json') })));
    expect(message).to.contain('routing.json').and.to.contain('workingHours.timeZone').and.to.contain('IANA');
  });

  it('a canned reply with a forbidden phrase, or two with one id, is refused at start-up, naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-canned-'));
    const file = join(dir, 'canned.json');
    const reply = (id: string, zh: string) => ({ id, title: id, text: { 'zh-CN': zh } });
    writeFileSync(file, JSON.stringify({ replies: [reply('ok', '您好'), reply('bad', '这是我们的最佳方案')] }));
    expect(thrown(() => loadData(parseEnv({ CANNED_REPLIES_FILE: file }))))
      .to.contain('canned.json')
      .and.to.contain('replies.1.text.zh-CN')
      .and.to.contain('最佳');
    writeFileSync(file, JSON.stringify({ replies: [reply('same', '您好'), reply('same', '再见')] }));
    expect(thrown(() => loadData(parseEnv({ CANNED_REPLIES_FILE: file }))))
      .to.contain('replies.1.id')
      .and.to.contain('duplicate');
  });

  it('WEBHOOKS_FILE: a short secret or an unknown event is refused naming file and field; production refuses a plain-http receiver off this machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-hooks-'));
    const file = join(dir, 'hooks.json');
    const hook = { id: 'crm', url: 'https://crm.example.com/kefu', secret: 'x'.repeat(32), events: ['handoff.opened'] };
    writeFileSync(file, JSON.stringify({ webhooks: [{ ...hook, secret: 'short' }] }));
    expect(thrown(() => loadData(parseEnv({ WEBHOOKS_FILE: file }))))
      .to.contain('hooks.json')
      .and.to.contain('webhooks.0.secret');
    writeFileSync(file, JSON.stringify({ webhooks: [{ ...hook, events: ['handoff.exploded'] }] }));
    expect(thrown(() => loadData(parseEnv({ WEBHOOKS_FILE: file })))).to.contain('webhooks.0.events.0');
    writeFileSync(file, JSON.stringify({ webhooks: [{ ...hook, url: 'http://crm.example.com/kefu' }] }));
    expect(loadData(parseEnv({ WEBHOOKS_FILE: file })).webhooks).to.have.length(1);
    expect(thrown(() => loadData(parseEnv({ ...PRODUCTION, WEBHOOKS_FILE: file }))))
      .to.contain('webhooks.0.url')
      .and.to.contain('https');
  });

  it('Direct Line CORS: any origin in development, none in production unless configured; /metrics needs its token in production', () => {
    expect(directLineOrigins(parseEnv({}))).to.deep.equal(['*']);
    expect(directLineOrigins(parseEnv(PRODUCTION))).to.deep.equal([]);
    expect(directLineOrigins(parseEnv({ ...PRODUCTION, DIRECTLINE_ALLOWED_ORIGINS: 'https://shop.example.com' }))).to.deep.equal(['https://shop.example.com']);
    expect(directLineOrigins(parseEnv({ DIRECTLINE_CORS_ORIGINS: 'https://old.example.com' }))).to.deep.equal(['https://old.example.com']);
    const { METRICS_TOKEN: _token, ...withoutMetricsToken } = PRODUCTION;
    expect(thrown(() => parseEnv(withoutMetricsToken))).to.contain('METRICS_TOKEN');
  });

  describe('data files', () => {
    const copy = () => {
      const dir = mkdtempSync(join(tmpdir(), 'kefu-data-'));
      cpSync(fromRoot('nlu/data'), dir, { recursive: true });
      return dir;
    };
    /** The data files, as loosely as these edits read them. */
    interface DataFile {
      intents: Record<string, Record<string, string>>;
      quickReplies: Array<{ intent: string }>;
    }
    const edit = (file: string, change: (json: DataFile) => void) => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as DataFile;
      change(json);
      writeFileSync(file, JSON.stringify(json));
    };

    it('names the file and field of a missing answer', () => {
      const dir = copy();
      edit(join(dir, 'answers.json'), (j) => {
        delete j.intents.invoice.en;
      });
      const msg = thrown(() => loadData(parseEnv({ NLU_DATA_DIR: dir })));
      expect(msg).to.contain('answers.json').and.to.contain('intents.invoice.en');
    });
    it('names a catalogue intent missing from a corpus', () => {
      const dir = copy();
      edit(join(dir, 'corpus.en.json'), (j) => {
        delete j.intents.coupon;
      });
      expect(thrown(() => loadData(parseEnv({ NLU_DATA_DIR: dir }))))
        .to.contain('corpus.en.json')
        .and.to.contain('intents.coupon');
    });
    it('names a quick reply that leads to no intent', () => {
      const dir = copy();
      edit(join(dir, 'menu.json'), (j) => {
        j.quickReplies[0].intent = 'teleport';
      });
      expect(thrown(() => loadData(parseEnv({ NLU_DATA_DIR: dir }))))
        .to.contain('menu.json')
        .and.to.contain('quickReplies.0.intent');
    });
    it('refuses an answer with a forbidden phrase, naming the field and the rule', () => {
      const dir = copy();
      edit(join(dir, 'answers.json'), (j) => {
        j.intents.coupon.zh = '我们的优惠力度是全网最低的';
      });
      const msg = thrown(() => loadData(parseEnv({ NLU_DATA_DIR: dir })));
      expect(msg).to.contain('intents.coupon.zh').and.to.contain('absolute_claims');
    });
    it('names a file that is not JSON', () => {
      const dir = copy();
      writeFileSync(join(dir, 'emotion.json'), '{ nope');
      expect(thrown(() => loadData(parseEnv({ NLU_DATA_DIR: dir })))).to.contain('emotion.json');
    });
  });
});
