import { spawn } from 'node:child_process';
import { fromRoot } from '../kernel/paths';

export interface ScaleResult {
  n: number;
  transcript: boolean;
  store: string;
  seconds: number;
  rss_bytes_per_conversation: number;
  heap_bytes_per_conversation: number;
  redis_bytes_per_conversation?: number;
  rss_mib: number;
}

export function scaleRun(o: { n: number; transcript: boolean; redisUrl?: string; namespace?: string }): Promise<ScaleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fromRoot('dist/bench/scaleWorker.js'), JSON.stringify(o)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as ScaleResult) : reject(new Error(`scale worker exited ${code}`)),
    );
  });
}
