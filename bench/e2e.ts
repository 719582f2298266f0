import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../kernel/paths';
import { NO_RATE_LIMITS, startKefuProcess } from '../testkit/kefuProcess';
import { freePort } from '../testkit/freePort';
import type { ScriptName } from './script';

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
  /** Closed loop on the order-flow script (bench/script.ts ORDER_SCRIPT). */
  orderScript: LoadResult[];
  at200: LoadResult[];
  cpuPercent: number;
  rssMiB: number;
}

/** Closed loop (autocannon, `connections` in flight) or, with `rate`, open loop (fixed arrivals). */
function runLoad(url: string, connections: number, durationS: number, rate?: number, script: ScriptName = 'main'): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const program = rate ? 'dist/bench/openLoop.js' : 'dist/bench/loadgen.js';
    const args = rate ? { url, rate, conversations: connections, durationS } : { url, connections, durationS, script };
    const child = spawn(process.execPath, [fromRoot(program), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

interface Target {
  url: string;
  pid: number;
}

/**
 * Every target measured round by round — echo, memory, Redis, then again — so a machine that slows
 * down mid-run (it is shared) weighs on all three alike, and the ratios stay fair.
 */
async function measureAll(targets: Record<'echo' | 'memory' | 'redis', Target>, o: { durationS: number; runs: number; connections: number }) {
  const names = ['echo', 'memory', 'redis'] as const;
  for (const n of names) await runLoad(targets[n].url, o.connections, 3); // warm-up: JIT, caches, the model
  const out = Object.fromEntries(names.map((n) => [n, { saturation: [], orderScript: [], at200: [], cpuPercent: 0, rssMiB: 0 }])) as unknown as Record<
    (typeof names)[number],
    TargetResult
  >;
  const cpu = Object.fromEntries(names.map((n) => [n, { cpuS: 0, wallS: 0 }]));
  for (let i = 0; i < o.runs; i += 1) {
    for (const n of names) {
      const before = procStats(targets[n].pid);
      const t0 = performance.now();
      out[n].saturation.push(await runLoad(targets[n].url, o.connections, o.durationS));
      cpu[n].cpuS += procStats(targets[n].pid).cpuS - before.cpuS;
      cpu[n].wallS += (performance.now() - t0) / 1000;
    }
    for (const n of names) out[n].orderScript.push(await runLoad(targets[n].url, o.connections, o.durationS, undefined, 'order'));
    for (const n of names) out[n].at200.push(await runLoad(targets[n].url, 200, o.durationS, 200));
  }
  for (const n of names) {
    out[n].cpuPercent = (100 * cpu[n].cpuS) / cpu[n].wallS;
    out[n].rssMiB = procStats(targets[n].pid).rssMiB;
  }
  return out;
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
    return await measureAll(
      {
        echo: { url: echo.url, pid: echo.child.pid as number },
        memory: { url: memory.url, pid: memory.child.pid as number },
        redis: { url: redis.url, pid: redis.child.pid as number },
      },
      o,
    );
  } finally {
    echo.child.kill();
    await Promise.all([memory.kill(), redis.kill()]);
    // The servers log at error level only: anything they said explains a failed request in the figures.
    for (const [name, k] of [
      ['memory', memory],
      ['redis', redis],
    ] as const) {
      // (less the 503s of /readyz polled while it started)
      const said = k.output
        .join('')
        .split('\n')
        .filter((line) => line.trim() && !line.includes('"path":"/readyz"'));
      if (said.length) process.stderr.write(`[bench] kefu (${name}) logged:\n${said.slice(0, 20).join('\n')}\n`);
    }
  }
}
