/* Scale past one instance, on loopback: a 3-node Redis Cluster, 4 kefu instances filling it with N
 * concurrent conversations (each left inside the order dialog, as in bench/scale.ts), the bytes per
 * conversation summed over the nodes — then, with those conversations held, handoff latency and
 * dispatch measured across the 4 instances, three runs each (medians). `npm run bench:cluster [-- N]` alone; `npm run bench`
 * runs it with 1,000,000. */
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fromRoot } from '../kernel/paths';
import { testRedisCluster, uniqueNamespace, type TestRedisCluster } from '../testkit/redisServer';
import { dispatchBench } from './dispatch';
import { handoffBench } from './handoffLatency';
import { recordResults, round2 } from './results';

const execFileAsync = promisify(execFile);
const INSTANCES = 4;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function clusterMemory(cluster: TestRedisCluster): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let keys = 0;
  for (const node of cluster.nodes) {
    const info = (await execFileAsync('redis-cli', ['-p', String(node.port), 'info', 'memory'])).stdout;
    bytes += Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    keys += Number((await execFileAsync('redis-cli', ['-p', String(node.port), 'dbsize'])).stdout.trim());
  }
  return { bytes, keys };
}

function fill(o: { n: number; offset: number; clusterNodes: string; namespace: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=4096', fromRoot('dist/bench/scaleWorker.js'), JSON.stringify({ ...o, transcript: false, fillOnly: true })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve((JSON.parse(out.trim().split('\n').pop() ?? '{}') as { seconds: number }).seconds) : reject(new Error(`filler exited ${code}`)),
    );
  });
}

export async function clusterScaleBench(
  conversations: number,
  o: { handoffN: number; dispatchN: number; runs: number },
): Promise<Record<string, number | string>> {
  const cluster = await testRedisCluster();
  try {
    const namespace = uniqueNamespace('cluster-scale');
    const before = await clusterMemory(cluster);
    const per = Math.ceil(conversations / INSTANCES);
    log(`cluster: ${INSTANCES} instances filling ${conversations} conversations`);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => fill({ n: Math.min(per, conversations - i * per), offset: i * per, clusterNodes: cluster.env, namespace })),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await clusterMemory(cluster);
    const results: Record<string, number | string> = {
      'scale.cluster.conversations': conversations,
      'scale.cluster.instances': INSTANCES,
      'scale.cluster.nodes': cluster.nodes.length,
      'scale.cluster.redis_bytes_per_conversation': Math.round((after.bytes - before.bytes) / conversations),
      'scale.cluster.redis_used_mib': round2(after.bytes / 2 ** 20),
      'scale.cluster.keys_per_conversation': round2((after.keys - before.keys) / conversations),
      'scale.cluster.fill_turns_per_s': Math.round(conversations / seconds),
    };
    log(`cluster: handoff latency and dispatch across ${INSTANCES} instances, ${conversations} conversations held`);
    const store = { REDIS_CLUSTER_NODES: cluster.env };
    const prefixed = (r: Record<string, number | string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [`scale.cluster.${k}`, v]));
    Object.assign(results, prefixed(await handoffBench(o.handoffN, o.runs, store, INSTANCES)));
    Object.assign(results, prefixed(await dispatchBench(o.dispatchN, o.runs, store, INSTANCES)));
    return results;
  } finally {
    await cluster.stop();
  }
}

if (require.main === module) {
  clusterScaleBench(Number(process.argv[2] ?? 100_000), { handoffN: 200, dispatchN: 100, runs: 3 })
    .then((r) => {
      recordResults(r);
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
