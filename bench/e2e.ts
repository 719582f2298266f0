import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../kernel/paths';
import { NO_RATE_LIMITS, startKefuProcess } from '../testkit/kefuProcess';
import { freePort } from '../testkit/freePort';

export interface LoadResult {
  rps: number;
  total: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
export interface TargetResult {
  saturation: LoadResult[];
  at200: LoadResult[];
  cpuPercent: number;
  rssMiB: number;
}

/** Closed loop (autocannon, `connections` in flight) or, with `rate`, open loop (fixed arrivals). */
function runLoad(url: string, connections: number, durationS: number, rate?: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const script = rate ? 'dist/bench/openLoop.js' : 'dist/bench/loadgen.js';
    const args = rate ? { url, rate, conversations: connections, durationS } : { url, connections, durationS };
    const child = spawn(process.execPath, [fromRoot(script), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult) : reject(new Error(`loadgen exited ${code}`)),
    );
  });
}

/** Server CPU time (user + system, seconds) and peak RSS from /proc. */
function procStats(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuS = (Number(stat[11]) + Number(stat[12])) / 100;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS, rssMiB: hwm ? Number(hwm[1]) / 1024 : 0 };
}

async function startEcho(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [fromRoot('dist/bench/echoBot.js')], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function measureTarget(url: string, pid: number, o: { durationS: number; runs: number; connections: number }): Promise<TargetResult> {
  await runLoad(url, o.connections, 3); // warm-up: JIT, caches, the model
  const before = procStats(pid);
  const t0 = performance.now();
  const saturation: LoadResult[] = [];
  for (let i = 0; i < o.runs; i += 1) saturation.push(await runLoad(url, o.connections, o.durationS));
  const after = procStats(pid);
  const wallS = (performance.now() - t0) / 1000;
  const at200: LoadResult[] = [];
  for (let i = 0; i < o.runs; i += 1) at200.push(await runLoad(url, 200, o.durationS, 200));
  return { saturation, at200, cpuPercent: (100 * (after.cpuS - before.cpuS)) / wallS, rssMiB: procStats(pid).rssMiB };
}

export async function e2eBench(o: {
  durationS: number;
  runs: number;
  connections: number;
  redisUrl: string;
  namespace: string;
}): Promise<Record<'echo' | 'memory' | 'redis', TargetResult>> {
  const echo = await startEcho();
  const memory = await startKefuProcess({ ...NO_RATE_LIMITS, LOG_LEVEL: 'error' });
  const redis = await startKefuProcess({ ...NO_RATE_LIMITS, LOG_LEVEL: 'error', REDIS_URL: o.redisUrl, REDIS_NAMESPACE: o.namespace });
  try {
    const results = {
      echo: await measureTarget(echo.url, echo.child.pid as number, o),
      memory: await measureTarget(memory.url, memory.child.pid as number, o),
      redis: await measureTarget(redis.url, redis.child.pid as number, o),
    };
    return results;
  } finally {
    echo.child.kill();
    await Promise.all([memory.kill(), redis.kill()]);
  }
}
