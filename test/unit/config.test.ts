import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, parseEnv } from '../../bot/config';
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

describe('configuration is validated at start-up', () => {
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
    [{ KEFU_MODE: 'production', USER_TOKEN_SECRET: 'x'.repeat(20) }, 'BOT_CHANNEL_SECRET'],
    [{ KEFU_MODE: 'production', BOT_CHANNEL_SECRET: 'y'.repeat(20) }, 'USER_TOKEN_SECRET'],
    [{ KEFU_MODE: 'production', BOT_CHANNEL_SECRET: 'y'.repeat(20), USER_TOKEN_SECRET: 'z'.repeat(20) }, 'AGENTS_FILE'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ HANDOFF_TIMEOUT_MS: '5' }, 'HANDOFF_TIMEOUT_MS'],
  ];
  for (const [env, variable] of bad) {
    it(`names ${variable} for ${JSON.stringify(env)}`, () => {
      expect(thrown(() => parseEnv(env))).to.contain(`environment variable ${variable}`);
    });
  }

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
