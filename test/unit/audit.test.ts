import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../kernel/paths';

const run = promisify(execFile);

/** Security finding 8: the dependency tree is checked against an advisory list that works offline. */
describe('npm run audit (offline advisory list)', function () {
  this.timeout(60_000);

  it('reports an installed version inside a listed range and exits 1; a version outside passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-audit-'));
    const hit = join(dir, 'hit.json');
    writeFileSync(
      hit,
      JSON.stringify({ updated: 'test', advisories: [{ id: 'TEST-1', package: 'zod', vulnerable: '>=0.0.1', severity: 'high', title: 'a test advisory' }] }),
    );
    const failed = await run(process.execPath, [fromRoot('dist/tools/audit.js'), '--advisories', hit], { cwd: fromRoot('.') }).then(
      () => undefined,
      (err: unknown) => err as { code: number; stdout: string },
    );
    expect(failed?.code).to.equal(1);
    expect(failed?.stdout).to.match(/HIGH zod@\d+\.\d+\.\d+: TEST-1 a test advisory/);
    const miss = join(dir, 'miss.json');
    writeFileSync(
      miss,
      JSON.stringify({ updated: 'test', advisories: [{ id: 'TEST-2', package: 'zod', vulnerable: '<0.0.1', severity: 'high', title: 'old' }] }),
    );
    const { stdout } = await run(process.execPath, [fromRoot('dist/tools/audit.js'), '--advisories', miss], { cwd: fromRoot('.') });
    expect(stdout).to.contain('no installed version matches');
  });
});
