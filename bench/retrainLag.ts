/* `npm run bench:retrain`: what a server's conversations feel while it retrains its NLU model.
 * Classifies a message every 5 ms (as a busy server would) and records the event-loop delay and each
 * classification's latency: idle, while the shipped corpus trains in the worker thread (what kefu
 * does at start-up and on reload), and while it trains on the main thread (what it would be without
 * the worker). Medians of RUNS. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadData, parseEnv } from '../bot/config';
import { HybridClassifier } from '../nlu/hybridClassifier';
import { loadOrTrain } from '../nlu/modelCache';

const runs = Number(process.argv[2] ?? 3);

interface Sample {
  loopP99Ms: number;
  loopMaxMs: number;
  classifyP99Ms: number;
  classifyMaxMs: number;
  classified: number;
  wallMs: number;
}

async function measure(classifier: HybridClassifier, during: () => Promise<unknown>): Promise<Sample> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  let stop = false as boolean; // set from outside the ticker loop
  const texts = ['我要退款', 'where is my order', '优惠券用不了', 'how do I get an invoice', '转人工', 'the app keeps crashing'];
  const ticker = (async () => {
    let i = 0;
    while (!stop) {
      const due = performance.now();
      await new Promise((r) => setTimeout(r, 5));
      // Latency as a customer sees it: from when the message was due to when it was classified.
      await classifier.classify(texts[i % texts.length], i % 2 ? 'en' : 'zh-CN');
      latencies.push(performance.now() - due - 5);
      i += 1;
    }
  })();
  loop.enable();
  const started = performance.now();
  await during();
  const wallMs = performance.now() - started;
  loop.disable();
  stop = true;
  await ticker;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    loopP99Ms: r(loop.percentile(99) / 1e6),
    loopMaxMs: r(loop.max / 1e6),
    classifyP99Ms: r(q(0.99)),
    classifyMaxMs: r(latencies[latencies.length - 1] ?? 0),
    classified: latencies.length,
    wallMs: Math.round(wallMs),
  };
}

const median = (xs: Sample[], k: keyof Sample) => [...xs].map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const data = loadData(env);
  const settings = { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT };
  const serving = (await loadOrTrain(data.corpus, settings, undefined, () => undefined)).classifier;
  const results: Record<string, Sample[]> = { idle: [], worker: [], mainThread: [] };
  for (let i = 0; i < runs; i += 1) {
    results.idle.push(await measure(serving, () => new Promise((r) => setTimeout(r, 2000))));
    results.worker.push(await measure(serving, () => loadOrTrain(data.corpus, settings, undefined, () => undefined)));
    results.mainThread.push(await measure(serving, () => HybridClassifier.train(data.corpus, settings)));
  }
  const out = Object.fromEntries(
    Object.entries(results).map(([k, xs]) => [k, Object.fromEntries((Object.keys(xs[0]) as Array<keyof Sample>).map((f) => [f, median(xs, f)]))]),
  );
  process.stdout.write(`${JSON.stringify({ runs, linearWeight: settings.linearWeight, ...out }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
