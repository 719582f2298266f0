import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from '../kernel/paths';

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
