import { spawn } from 'node:child_process';
import { fromRoot } from '../kernel/paths';
import { percentile, round2 } from './results';

/** N deadlines armed by two processes on one Redis; each fires once, on whichever process polls first. */
export async function deadlineBench(o: { url: string; namespace: string; total: number; pollMs: number }): Promise<Record<string, number>> {
  const startAt = Date.now() + 3000;
  const run = (label: string, count: number) =>
    new Promise<Array<[string, number]>>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          fromRoot('dist/bench/deadlineInstance.js'),
          JSON.stringify({ url: o.url, namespace: o.namespace, count, startAt, spreadMs: 5000, pollMs: o.pollMs, label }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Array<[string, number]>) : reject(new Error(`instance exited ${code}`))));
    });
  const [a, b] = await Promise.all([run('a', o.total / 2), run('b', o.total / 2)]);
  const all = [...a, ...b];
  const counts = new Map<string, number>();
  for (const [id] of all) counts.set(id, (counts.get(id) ?? 0) + 1);
  const late = all.map(([, ms]) => ms).sort((x, y) => x - y);
  return {
    'deadline.armed': o.total,
    'deadline.fired': counts.size,
    'deadline.fired_twice': [...counts.values()].filter((n) => n > 1).length,
    'deadline.missed': o.total - counts.size,
    'deadline.fired_by_a': a.length,
    'deadline.fired_by_b': b.length,
    'deadline.p50_late_ms': round2(percentile(late, 0.5)),
    'deadline.p99_late_ms': round2(percentile(late, 0.99)),
    'deadline.max_late_ms': round2(late[late.length - 1] ?? NaN),
    'deadline.poll_ms': o.pollMs,
  };
}
