import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from '../kernel/paths';

const run = promisify(execFile);

/**
 * `npm run chaos`: every fault and hostile-input class kefu is tried against, each by the test that
 * reproduces it with real processes and a real Redis, and the table RELIABILITY.md shows. A row
 * promises only what its test asserts; a failing test prints FAILED in its row and the command
 * exits non-zero.
 */
const FAULTS: ReadonlyArray<{ fault: string; file: string; grep: string; shows: string }> = [
  {
    fault: 'kill -9 after deadlines are taken, before they are handled (2 processes)',
    file: 'e2e/multiProcess.test.js',
    grep: 'dies is handled by another',
    shows: '5 customers: 0 deadlines lost, 0 duplicated handoffs, 1 notice each',
  },
  {
    fault: 'kill -9 while a turn waits on the order API; its deadline fires elsewhere (2 processes; one Redis, then the cluster)',
    file: 'e2e/multiProcess.test.js',
    grep: 'fires on process B after A is killed',
    shows: '0 deadlines lost, fired once',
  },
  {
    fault: 'Redis Cluster (3 masters on loopback): the handoff store conformance suite',
    file: 'handoff/storeContract.test.js',
    grep: 'Redis Cluster',
    shows: 'every handoff transition, lease and callback case passes as on one Redis',
  },
  {
    fault: 'Redis Cluster: two processes, 60 racing claims ×3 rounds, kill -9 with a deadline armed, 200-handoff dispatch',
    file: 'e2e/multiProcess.test.js dispatch/dispatch.test.js',
    grep: '3-master Redis Cluster',
    shows: '0 customers given to two agents, 0 deadlines lost, each fired once; 200 of 200 assigned once',
  },
  {
    fault: 'Redis (appendonly, fsync always) killed with -9 and restarted under 2 processes with a live handoff',
    file: 'reliability/redisRestart.test.js',
    grep: 'restarted under two instances',
    shows: 'message during the outage: 503, resent, recorded once; handoff still assigned; agent stream resumes; 0 lost',
  },
  {
    fault: 'timeout handoff while the order service takes 4 s (3 s deadline class)',
    file: 'reliability/timeoutHandoff.test.js',
    grep: 'never waits',
    shows: 'told at the deadline (< 3 s), late bot answer dropped, packet completed later',
  },
  {
    fault: "kill -9 holding five conversations' turn locks; follow-ups to the other instance (2 processes)",
    file: 'e2e/multiProcess.test.js',
    grep: 'turn lock',
    shows: '5 of 5 follow-ups answered (200) and in the transcript; 0 lost',
  },
  {
    fault: 'a follow-up to a conversation another instance holds for 12 s (slow order API; 2 processes)',
    file: 'e2e/multiProcess.test.js',
    grep: 'busy conversation',
    shows: 'in the transcript before the wait; 503 after 8 s; the resend answered, recorded once; 0 lost',
  },
  {
    fault: 'a turn that outlived its lock writes conversation state after a later turn did (memory, Redis, cluster)',
    file: 'handoff/storageContract.test.js',
    grep: 'fenced',
    shows: "the stale write refused (eTag conflict); the later turn's state kept",
  },
  {
    fault: "kill -9 answering six WeChat pushes; WeChat's retries on the other instance (2 processes)",
    file: 'wechat/retryAfterKill.test.js',
    grep: 'survive the death',
    shows: '6 of 6 answered; 0 dropped as duplicates',
  },
  { fault: "WeChat's retries of one push (3×)", file: 'wechat/adapter.test.js', grep: 'retried MsgId', shows: 'handled once, the same answer each time' },
  {
    fault: 'Redis stalled (SIGSTOP) and resumed',
    file: 'reliability/redisStall.test.js',
    grep: 'SIGSTOP',
    shows: '/readyz 503 in < 1 s; turns 503 + Retry-After (no false apology, no 500); well again after SIGCONT',
  },
  {
    fault: 'SIGTERM with a console stream open and a turn running',
    file: 'reliability/shutdown.test.js',
    grep: 'SIGTERM',
    shows: 'turn answered; new requests 503 + Retry-After + Connection: close; stream ended with retry; exit 0',
  },
  {
    fault: 'agent retries a message or close with the same Idempotency-Key',
    file: 'reliability/idempotency.test.js',
    grep: 'Idempotency-Key',
    shows: 'sent once, closed once; first result replayed',
  },
  {
    fault: '50 MB order-service reply; JSON nested 5,000 deep',
    file: 'reliability/caps.test.js',
    grep: 'bounded',
    shows: 'refused past 256 KiB ("订单系统暂时繁忙"); 400 invalid_body',
  },
  {
    fault: 'unreachable or broken order API',
    file: 'e2e/failures.test.js',
    grep: 'order back end fails',
    shows: 'a clear "busy" reply and an offer of a person',
  },
  {
    fault: '≥ 200 generated hostile inputs per HTTP boundary (fast-check, 5 boundaries)',
    file: 'reliability/hostileInputs.test.js',
    grep: 'hostile inputs',
    shows: '1,000 requests: 0 5xx, 0 crashes, still serving',
  },
  {
    fault: 'hand-written bad input (malformed JSON, wrong types, oversize, unknown paths)',
    file: 'e2e/badInput.test.js',
    grep: 'bad input',
    shows: 'each a clear 4xx; still serving',
  },
];

interface MochaJson {
  stats: { passes: number; failures: number; pending: number; duration: number };
  failures: Array<{ fullTitle: string; err: { message?: string } }>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-chaos-'));
  const config = join(dir, 'mocharc.json');
  writeFileSync(config, JSON.stringify({ timeout: 180_000, exit: true }));
  const rows: string[] = [];
  let failed = 0;
  try {
    for (const f of FAULTS) {
      let report: MochaJson | undefined;
      try {
        const { stdout } = await run(
          process.execPath,
          [
            fromRoot('node_modules/mocha/bin/mocha.js'),
            '--config',
            config,
            '--reporter',
            'json',
            '-g',
            f.grep,
            ...f.file.split(' ').map((file) => fromRoot(`dist/test/${file}`)),
          ],
          {
            cwd: fromRoot('.'),
            maxBuffer: 1 << 26,
          },
        );
        report = JSON.parse(stdout) as MochaJson;
      } catch (err) {
        const out = (err as { stdout?: string }).stdout;
        report = out ? (JSON.parse(out) as MochaJson) : undefined;
      }
      const stats = report?.stats;
      const ok = stats?.failures === 0 && stats.passes > 0;
      if (!ok) failed += 1;
      const result = ok ? `passed (${String(stats.passes)} test${stats.passes === 1 ? '' : 's'}, ${(stats.duration / 1000).toFixed(1)} s)` : 'FAILED';
      rows.push(
        `| ${f.fault} | ${ok ? f.shows : (report?.failures[0]?.err.message ?? 'no test ran').split('\n')[0]} | ${result} | ${f.file
          .split(' ')
          .map((file) => `\`test/${file.replace(/\.js$/, '.ts')}\``)
          .join(', ')} |`,
      );
      process.stderr.write(`${ok ? '✔' : '✘'} ${f.fault}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(['| fault | what the test shows | result | test |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n');
  if (failed) process.exitCode = 1;
}

void main();
