import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { modelKey, type Corpus } from './corpus';
import { HybridClassifier, type HybridModel, type HybridSettings } from './hybridClassifier';
import { DEFAULT_LINEAR, FEATURES_VERSION } from './linearClassifier';

/** Bump when the features or the way the model is built change, so old caches are not reused. */
const PIPELINE_VERSION = 'kefu-nlu-3';

export const LinearData = z.object({
  version: z.literal(2),
  features: z.array(z.string()),
  idf: z.string(),
  classes: z.array(z.string()),
  weights: z.string(),
  bias: z.array(z.number()),
  entities: z.record(z.string(), z.array(z.string())),
});
const CachedModel = z.object({
  key: z.string(),
  createdAt: z.string(),
  model: z.object({ nlpjs: z.string().min(2).nullable(), linear: z.object({ zh: LinearData, en: LinearData }) }),
});

export interface LoadedClassifier {
  classifier: HybridClassifier;
  source: 'cache' | 'trained';
  key: string;
  ms: number;
}

/**
 * The trained model lives on disk under a hash of the corpus and settings: a restart with the
 * same corpus loads it instead of retraining; an edited corpus gets a new file.
 */
export async function loadOrTrain(
  corpus: Corpus,
  settings: HybridSettings,
  cacheDir: string | undefined,
  warn: (message: string) => void,
): Promise<LoadedClassifier> {
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package's package.json (resolveJsonModule is off)
  const nlpjsVersion = (require('@nlpjs/basic/package.json') as { version: string }).version;
  const key = modelKey(corpus, { ...settings, linear: DEFAULT_LINEAR, features: FEATURES_VERSION }, `${PIPELINE_VERSION}/${nlpjsVersion}`);
  const file = cacheDir ? join(cacheDir, `nlu-model-${key}.json`) : undefined;
  if (file) {
    try {
      const cached = CachedModel.parse(JSON.parse(await readFile(file, 'utf8')));
      if (cached.key === key) {
        const classifier = await HybridClassifier.fromModel(cached.model, settings);
        return { classifier, source: 'cache', key, ms: performance.now() - started };
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`ignoring unreadable NLU model cache ${file}: ${String(err)}`);
    }
  }
  const classifier = await HybridClassifier.fromModel(await trainInWorker(corpus, settings), settings);
  if (file && cacheDir) {
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, createdAt: new Date().toISOString(), model: classifier.toModel() }));
      await rename(tmp, file);
      await pruneCache(cacheDir, KEEP_MODELS);
    } catch (err) {
      warn(`could not write NLU model cache ${file}: ${String(err)}`);
    }
  }
  return { classifier, source: 'trained', key, ms: performance.now() - started };
}

/** Each reload of edited content writes a model; the newest few are kept (a revert loads at once). */
const KEEP_MODELS = 5;

export async function pruneCache(dir: string, keep: number, prefix = 'nlu-model-'): Promise<void> {
  const name = new RegExp(`^${prefix.replace(/[^a-z-]/g, '')}[0-9a-f]{16}\\.json$`);
  const names = (await readdir(dir)).filter((f) => name.test(f));
  const dated = await Promise.all(names.map(async (f) => ({ f, t: (await stat(join(dir, f))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  await Promise.all(dated.slice(keep).map(({ f }) => unlink(join(dir, f)).catch(() => undefined)));
}

/** Trains off the event loop; the model comes back serialised and is loaded here. */
function trainInWorker(corpus: Corpus, settings: HybridSettings): Promise<HybridModel> {
  return runTrainWorker<HybridModel>('trainWorker.js', { corpus, settings }, 'NLU');
}

/** Runs a training script of this folder in a worker thread; it posts `{ ok, model }` or `{ ok: false, error }`. */
export function runTrainWorker<T>(script: string, data: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, script), { workerData: data });
    let settled = false;
    worker.once('message', (m: { ok: boolean; model?: T; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (m.ok && m.model) resolve(m.model);
      else reject(new Error(`${what} training failed: ${m.error ?? 'unknown error'}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    // A worker that dies without a word (out of memory, killed) must not leave a reload pending forever.
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${what} training worker exited with code ${code} before sending a model`));
    });
  });
}
