import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../../kernel/paths';

const run = promisify(execFile);

/** Security finding 10: a broken data file stops start-up with a message naming file and field — no stack trace. */
describe('start-up errors name the file and field', function () {
  this.timeout(60_000);

  it('a broken DEMO_ORDERS_FILE: exit 1, the file and field named, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-orders-'));
    const file = join(dir, 'orders.json');
    writeFileSync(file, JSON.stringify({ orders: [{ id: 'KF202611220001', phone: 'not a phone' }] }));
    const failed = await run(process.execPath, [fromRoot('dist/bot/index.js')], { env: { ...process.env, PORT: '0', DEMO_ORDERS_FILE: file } }).then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(failed?.code).to.equal(1);
    expect(failed?.stderr).to.contain(file).and.to.contain('orders.0.');
    expect(failed?.stderr).not.to.match(/\n\s+at /);
  });
});
