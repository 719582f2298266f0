import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import { freePort, freePorts } from './freePort';

const execFileAsync = promisify(execFile);

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

/** A redis-server of the test's own (not shared), to stall (SIGSTOP), resume, kill -9 (stop) and start again. */
export interface OwnRedis {
  url: string;
  /** The running server (a new process after start()). */
  child: ChildProcess;
  stop(): Promise<void>;
  /** A new server on the same port with the same arguments (and so the same files on disk), after stop(). */
  start(): Promise<void>;
}

export async function ownRedis(args: string[] = ['--save', '', '--appendonly', 'no']): Promise<OwnRedis> {
  const port = await freePort();
  const launch = async (): Promise<ChildProcess> => {
    const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: 'ignore' });
    process.once('exit', () => child.kill('SIGKILL'));
    await waitForPing(port);
    return child;
  };
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    child: await launch(),
    stop: () => kill(own.child),
    start: async () => {
      own.child = await launch();
    },
  };
  return own;
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

/** A Redis Cluster of the tests' own: three masters on loopback, no replicas, no persistence. */
export interface TestRedisCluster {
  nodes: Array<{ host: string; port: number }>;
  /** The value for REDIS_CLUSTER_NODES. */
  env: string;
  children: ChildProcess[];
  stop(): Promise<void>;
}

let sharedCluster: Promise<TestRedisCluster> | undefined;

/**
 * Three `redis-server --cluster-enabled yes` joined by `redis-cli --cluster create`, started once
 * per test run (TEST_REDIS_CLUSTER_NODES, if given, is used instead) and stopped when it exits.
 */
export function testRedisCluster(): Promise<TestRedisCluster> {
  sharedCluster ??= (async () => {
    if (process.env.TEST_REDIS_CLUSTER_NODES) {
      const nodes = process.env.TEST_REDIS_CLUSTER_NODES.split(',').map((hp) => ({ host: hp.split(':')[0] ?? '', port: Number(hp.split(':')[1]) }));
      return { nodes, env: process.env.TEST_REDIS_CLUSTER_NODES, children: [], stop: async () => undefined };
    }
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cluster-'));
    const nodes: Array<{ host: string; port: number }> = [];
    const children: ChildProcess[] = [];
    const ports = await freePorts(6); // three client ports, three bus ports, all different
    for (let i = 0; i < 3; i += 1) {
      const [port, busPort] = [ports[i], ports[i + 3]];
      const nodeDir = join(dir, String(i));
      mkdirSync(nodeDir);
      const child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', nodeDir],
          ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
        ],
        { stdio: 'ignore' },
      );
      process.once('exit', () => child.kill('SIGKILL'));
      children.push(child);
      nodes.push({ host: '127.0.0.1', port });
    }
    for (const n of nodes) await waitForPing(n.port);
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await execFileAsync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must agree the cluster is up before a client may use it.
    for (let i = 0; ; i += 1) {
      const states = await Promise.all(nodes.map((n) => execFileAsync('redis-cli', ['-p', String(n.port), 'cluster', 'info']).then((r) => r.stdout)));
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (i > 200) throw new Error(`the test cluster did not come up: ${states.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      nodes,
      env: addresses.join(','),
      children,
      stop: async () => {
        for (const c of children) c.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return sharedCluster;
}

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; ; i += 1) {
    try {
      await ping(port);
      return;
    } catch (err) {
      if (i > 100) throw new Error(`redis-server did not start: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
