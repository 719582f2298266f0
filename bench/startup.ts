/* `npm run bench:startup [-- RUNS]`: wall-clock time from spawning `node dist/bot/index.js` until
 * /readyz answers 200, with an empty model cache (trains) and a warm one (loads). Medians. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../kernel/paths';

const runs = Number(process.argv[2] ?? 5);

async function once(cacheDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [fromRoot('dist/bot/index.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NLU_MODEL_CACHE_DIR: cacheDir, LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error('kefu did not become ready within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill();
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-'));
    cold.push(await once(dir, 39000 + i));
    warm.push(await once(dir, 39100 + i));
    rmSync(dir, { recursive: true, force: true });
  }
  const r = (x: number) => Math.round(x);
  process.stdout.write(
    `${JSON.stringify(
      {
        runs,
        node: process.version,
        startup_ms_without_cache: { median: r(median(cold)), all: cold.map(r) },
        startup_ms_with_cache: { median: r(median(warm)), all: warm.map(r) },
      },
      null,
      2,
    )}\n`,
  );
}

void main();
