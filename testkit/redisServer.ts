import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './freePort';
import Redis from 'ioredis';

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
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server is up: retried below
    for (let i = 0; ; i += 1) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (err) {
        if (i > 100) throw new Error(`redis-server did not start: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
    return { url, stop: async () => { child.kill(); } };
  })();
  return shared;
}

/** A namespace no other test uses, so tests never see each other's keys. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
