import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './freePort';

export interface TestRedis {
  url: string;
  /** Stops the server (if this helper started it). */
  stop(): Promise<void>;
}

let shared: Promise<TestRedis> | undefined;

/**
 * A real Redis for the tests: TEST_REDIS_URL if given, else a private `redis-server` on a free
 * port (no persistence), started once per test run and stopped when the process exits.
 */
export function testRedis(): Promise<TestRedis> {
  shared ??= (async () => {
    if (process.env.TEST_REDIS_URL) return { url: process.env.TEST_REDIS_URL, stop: async () => undefined };
    const port = await freePort();
    const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    process.once('exit', () => child.kill());
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; ; i += 1) {
      try {
        await ping(port); // refused until the server is up: retried
        break;
      } catch (err) {
        if (i > 100) throw new Error(`redis-server did not start: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return {
      url,
      stop: async () => {
        child.kill();
      },
    };
  })();
  return shared;
}

/** A redis-server of the test's own (not shared), to stall (SIGSTOP), resume or kill. */
export interface OwnRedis {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function ownRedis(args: string[] = ['--save', '', '--appendonly', 'no']): Promise<OwnRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  for (let i = 0; ; i += 1) {
    try {
      await ping(port);
      break;
    } catch (err) {
      if (i > 100) throw new Error(`redis-server did not start: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }),
  };
}

/** One inline PING over a fresh socket; resolves on +PONG. (A raw probe: ioredis belongs to infra/redis/.) */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('no answer to PING')));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (!reply.includes('\r\n')) return;
      socket.end();
      if (reply.startsWith('+PONG')) resolve();
      else reject(new Error(`PING answered ${reply.trim()}`));
    });
    socket.on('error', reject);
  });
}

/** A namespace no other test uses, so tests never see each other's keys. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
