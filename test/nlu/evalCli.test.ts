import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../kernel/paths';

const run = promisify(execFile);

interface Report {
  accuracy: number;
  in_scope_accuracy: number;
  oos_recall: number | null;
  threshold: number | null;
  train_s: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * `npm run nlu -- eval --train … --test …` as a user runs it, on data in the benchmark format: the
 * shipped corpus as training rows, the held-out phrasings as test rows (the public sets are not in
 * the repository; BENCHMARKS.md has their figures).
 */
describe('npm run nlu -- eval --train (the benchmark command)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-eval-'));
    const corpus = JSON.parse(readFileSync(fromRoot('nlu/data/corpus.en.json'), 'utf8')) as {
      intents: Record<string, string[]>;
      entities?: Record<string, string[]>;
    };
    const rows = Object.entries(corpus.intents).flatMap(([intent, texts]) => texts.map((text) => JSON.stringify({ text, intent })));
    writeFileSync(join(dir, 'train.jsonl'), `${rows.join('\n')}\n`);
    mkdirSync(join(dir, 'entities'));
    for (const [list, names] of Object.entries(corpus.entities ?? {})) writeFileSync(join(dir, 'entities', `${list}.txt`), `# ${list}\n${names.join('\n')}\n`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("trains kefu's pipeline and plain NLP.js on the same rows and reports both as JSON", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        fromRoot('dist/tools/nluCli.js'),
        'eval',
        '--train',
        join(dir, 'train.jsonl'),
        '--test',
        fromRoot('test/fixtures/nlu-heldout.en.jsonl'),
        '--entities',
        join(dir, 'entities'),
        '--baseline',
      ],
      { cwd: fromRoot('.'), maxBuffer: 1 << 20 },
    );
    const out = JSON.parse(stdout) as {
      locale: string;
      linearWeight: number;
      entities: Record<string, number>;
      kefu: Report;
      baseline: Report;
      kefu_threshold_curve: Array<{ threshold: number; in_scope_accuracy: number; oos_recall: number }>;
    };
    expect(out.locale).to.equal('en');
    expect(out.entities).to.have.property('payment').that.is.greaterThan(3);
    expect([0.3, 0.5, 0.7, 0.85, 1]).to.include(out.linearWeight);
    // Held-out figures at commit time: kefu 86% overall / 98% out-of-scope recall; plain NLP.js far lower.
    expect(out.kefu.accuracy).to.be.at.least(0.8);
    expect(out.kefu.oos_recall).to.be.at.least(0.8);
    expect(out.kefu.accuracy).to.be.greaterThan(out.baseline.accuracy);
    expect(out.kefu.p99_ms).to.be.a('number').and.greaterThan(0);
    expect(out.kefu.train_s).to.be.a('number').and.greaterThan(0);
    // The trade-off curve: a higher threshold never rejects fewer out-of-scope messages.
    const recalls = out.kefu_threshold_curve.map((p) => p.oos_recall);
    expect(recalls).to.deep.equal([...recalls].sort((a, b) => a - b));
  });

  it('names the file and line of a malformed row', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"text": "hello", "intent": "greet"}\n{"text": "", "intent": "greet"}\n');
    const err = await run(process.execPath, [
      fromRoot('dist/tools/nluCli.js'),
      'eval',
      '--train',
      join(dir, 'bad.jsonl'),
      '--test',
      join(dir, 'bad.jsonl'),
    ]).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.code).to.equal(1);
    expect(err?.stderr).to.include('bad.jsonl:2');
  });
});
