/* Trains the intent model in a worker thread: NLP.js trains synchronously and would otherwise stall
 * every conversation on the server for the seconds it takes. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Corpus } from './corpus';
import { HybridClassifier, type HybridSettings } from './hybridClassifier';

const { corpus, settings } = workerData as { corpus: Corpus; settings: HybridSettings };

HybridClassifier.train(corpus, settings)
  .then((classifier) => parentPort?.postMessage({ ok: true, model: classifier.toModel() }))
  .catch((err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }));
