import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fromRoot } from '../kernel/paths';
import { testRedis } from '../testkit/redisServer';

const FILE = fromRoot('bench/results.json');

/** What bench/results.json holds now. */
export function readResults(): Record<string, number | string | boolean> {
  return existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, number | string | boolean>) : {};
}

/** Merges figures into bench/results.json under dotted keys ("handoff.p99_ms"). */
export function recordResults(values: Record<string, number | string | boolean>): void {
  const current = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(FILE, `${JSON.stringify({ ...current, ...values }, null, 2)}\n`);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Repeated runs of one bench folded into its figures: each key's median over the runs, and for
 * each `spreadOf` entry the runs' own values of `key`, in order, under `as` ("13.37, 10.39, 7.62").
 */
export function medianOfRuns(perRun: Array<Record<string, number>>, spreadOf: Array<{ key: string; as: string }>): Record<string, number | string> {
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const out: Record<string, number | string> = {};
  for (const key of Object.keys(perRun[0] ?? {})) out[key] = round2(median(perRun.map((r) => r[key])));
  for (const { key, as } of spreadOf) out[as] = perRun.map((r) => round2(r[key])).join(', ');
  return out;
}

/**
 * A bench's command line: `measure` runs against a private Redis, its figures are merged into
 * bench/results.json and printed with the machine; a failure prints its stack and exits 1.
 */
export function benchOnRedis(measure: (redisUrl: string) => Promise<Record<string, number | string>>): void {
  const main = async () => {
    const redis = await testRedis();
    try {
      const out = await measure(redis.url);
      recordResults(out);
      process.stdout.write(
        `${JSON.stringify({ machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, ...out }, null, 2)}\n`,
      );
    } finally {
      await redis.stop();
    }
  };
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
