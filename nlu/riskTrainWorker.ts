/* Trains the risk model in a worker thread: cross-validation and the final fit take seconds, and
 * every conversation on the server would wait for them otherwise. */
import { parentPort, workerData } from 'node:worker_threads';
import { RiskModel, type RiskModelSettings, type RiskTrainingInput } from './riskModel';

const { input, settings } = workerData as { input: RiskTrainingInput; settings: RiskModelSettings };

try {
  parentPort?.postMessage({ ok: true, model: RiskModel.train(input, settings).toData() });
} catch (err) {
  parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
