import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { projectRoot } from '../../kernel/paths';

/**
 * The layer rules as the architecture states them, written out here independently of
 * eslint.config.mjs (which generates its rules): the test lints probe files against the real
 * config and checks each answer against this table.
 */
const LAYERS = ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'tools', 'testkit', 'test', 'bench'] as const;
type Layer = (typeof LAYERS)[number];
const ALL_BUT = (...no: Layer[]): Layer[] => LAYERS.filter((l) => !no.includes(l));
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  kernel: [],
  nlu: ['kernel'],
  orders: ['kernel'],
  handoff: ['kernel', 'nlu', 'orders'],
  dialogs: ['kernel', 'nlu', 'orders'], // and types from handoff/
  infra: ['kernel', 'handoff'],
  bot: ALL_BUT('test', 'testkit', 'bench', 'tools'),
  tools: ALL_BUT('test', 'bench'),
  testkit: ALL_BUT('test', 'bench'),
  test: ALL_BUT('bench'),
  bench: ALL_BUT('test'),
};

describe('layer rules (eslint.config.mjs)', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    // The real config, without type information: a probe file is in no tsconfig program, and
    // the boundaries (no-restricted-imports) need none.
    eslint = new ESLint({ cwd: projectRoot, overrideConfig: [tseslint.configs.disableTypeChecked] as Linter.Config[] });
  });

  /** The no-restricted-imports errors for `code` as if it were the file `filePath` (relative to the root). */
  const restricted = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: `${projectRoot}/${filePath}` });
    const fatal = result.messages.filter((m) => m.fatal);
    expect(fatal, `${filePath} parses`).to.deep.equal([]);
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('nlu/ may import kernel/, not bot/', async () => {
    expect(await restricted('nlu/probe.ts', "import { createLogger } from '../kernel/log';\nexport const log = createLogger;\n")).to.deep.equal([]);
    const errors = await restricted('nlu/probe.ts', "import '../bot/log';\n");
    expect(errors).to.have.length(1);
    expect(errors[0]).to.contain('layer rule: nlu/ may not import bot/');
  });

  it('ioredis only under infra/redis/: an error in handoff/ and elsewhere, pointing at infra/redis/connection', async () => {
    const code = "import Redis from 'ioredis';\nexport const R = Redis;\n";
    for (const file of ['handoff/probe.ts', 'infra/probe.ts', 'infra/memory/probe.ts', 'bot/probe.ts', 'testkit/probe.ts', 'test/unit/probe.ts']) {
      const errors = await restricted(file, code);
      expect(errors, file).to.have.length(1);
      expect(errors[0], file).to.contain('use infra/redis/connection');
    }
    expect(await restricted('handoff/probe.ts', "import { Cluster } from 'ioredis/built/cluster';\nexport const C = Cluster;\n")).to.have.length(1);
    expect(await restricted('infra/redis/probe.ts', code)).to.deep.equal([]);
    expect(await restricted('infra/redis/sub/probe.ts', code)).to.deep.equal([]);
  });

  it('dialogs/ reaches handoff/ through types only', async () => {
    expect(
      await restricted('dialogs/probe.ts', "import type { HandoffService } from '../handoff/handoffService';\nexport type S = HandoffService;\n"),
    ).to.deep.equal([]);
    expect(
      await restricted('dialogs/probe.ts', "import { type HandoffService } from '../handoff/handoffService';\nexport type S = HandoffService;\n"),
    ).to.deep.equal([]);
    expect(await restricted('dialogs/probe.ts', "export type { HandoffService } from '../handoff/handoffService';\n")).to.deep.equal([]);
    for (const code of [
      "import { HandoffEngine } from '../handoff/engine';\nexport const E = HandoffEngine;\n",
      "import { type HandoffService, HandoffEngine } from '../handoff/engine';\nexport const E: HandoffService = HandoffEngine;\n",
      "import '../handoff/engine';\n",
      "export { HandoffEngine } from '../handoff/engine';\n",
    ]) {
      const errors = await restricted('dialogs/probe.ts', code);
      expect(errors, code).to.have.length(1);
      expect(errors[0], code).to.contain('dialogs/ may use only `import type` from handoff/');
    }
  });

  it('every layer imports exactly what the architecture allows, at any depth', async () => {
    const wrong: string[] = [];
    for (const from of LAYERS) {
      for (const to of LAYERS) {
        if (to === from) continue;
        const allowed = MAY_IMPORT[from].includes(to);
        // The same import from a file at the layer's top and from one a folder deeper.
        for (const [file, spec] of [
          [`${from}/probe.ts`, `../${to}/x`],
          [`${from}/sub/probe.ts`, `../../${to}/x`],
          [`${from}/a/b/probe.ts`, `../../../${to}`],
        ]) {
          const errors = await restricted(file, `import { x } from '${spec}';\nexport const y = x;\n`);
          if (errors.length !== (allowed ? 0 : 1))
            wrong.push(`${file} importing ${spec}: ${allowed ? 'should pass' : 'should fail'}, got ${JSON.stringify(errors)}`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('imports within a layer, and paths that only look like another layer, pass', async () => {
    expect(await restricted('nlu/probe.ts', "import { x } from './types';\nexport const y = x;\n")).to.deep.equal([]);
    expect(await restricted('nlu/sub/probe.ts', "import { x } from '../types';\nexport const y = x;\n")).to.deep.equal([]);
    expect(await restricted('infra/redis/probe.ts', "import { x } from '../memory/turnQueue';\nexport const y = x;\n")).to.deep.equal([]);
    // From nlu/sub/, '../bot/x' is nlu/bot/x: inside nlu/.
    expect(await restricted('nlu/sub/probe.ts', "import { x } from '../bot/x';\nexport const y = x;\n")).to.deep.equal([]);
    // A package whose name merely contains a layer's name.
    expect(await restricted('kernel/probe.ts', "import { x } from 'bot-kit';\nexport const y = x;\n")).to.deep.equal([]);
  });
});
