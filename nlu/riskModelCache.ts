import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { FEATURES_VERSION } from './linearClassifier';
import { LinearData, pruneCache, runTrainWorker } from './modelCache';
import { RiskCategory } from './riskTypes';
import { DEFAULT_RISK_SETTINGS, RISK_MODEL_VERSION, RiskModel, type RiskModelData, type RiskModelSettings, type RiskTrainingInput } from './riskModel';

const Validation = z.object({
  risky: z.number(),
  benign: z.number(),
  recall: z.number(),
  categoryAccuracy: z.number(),
  falseAlarmRate: z.number(),
  everyday: z.number(),
  everydayFalseAlarmRate: z.number(),
});
const LanguageData = z.object({
  linear: LinearData,
  threshold: z.number(),
  criticalThreshold: z.number(),
  critical: z.array(RiskCategory),
  validation: Validation,
});
const CachedRiskModel = z.object({
  key: z.string(),
  createdAt: z.string(),
  model: z.object({ version: z.literal(1), zh: LanguageData, en: LanguageData }),
});

export interface LoadedRiskModel {
  model: RiskModel;
  source: 'cache' | 'trained';
  key: string;
  ms: number;
}

const KEEP_MODELS = 5;

/** A stable hash of everything that shapes the risk model. */
export function riskModelKey(input: RiskTrainingInput, settings: RiskModelSettings): string {
  return createHash('sha256')
    .update(JSON.stringify({ input, settings, features: FEATURES_VERSION, version: RISK_MODEL_VERSION }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The risk model, from the NLU's cache folder (`risk-model-<hash>.json`, beside the intent
 * model's files) or trained in a worker thread and written there. Like `loadOrTrain`: a restart
 * with the same content loads it; an edited risk corpus, lexicon or intent corpus gets a new file.
 */
export async function loadOrTrainRisk(
  input: RiskTrainingInput,
  cacheDir: string | undefined,
  warn: (message: string) => void,
  settings: RiskModelSettings = DEFAULT_RISK_SETTINGS,
): Promise<LoadedRiskModel> {
  const started = performance.now();
  const key = riskModelKey(input, settings);
  const file = cacheDir ? join(cacheDir, `risk-model-${key}.json`) : undefined;
  if (file) {
    try {
      const cached = CachedRiskModel.parse(JSON.parse(await readFile(file, 'utf8')));
      if (cached.key === key) return { model: RiskModel.fromData(cached.model), source: 'cache', key, ms: performance.now() - started };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`ignoring unreadable risk model cache ${file}: ${String(err)}`);
    }
  }
  const data = await runTrainWorker<RiskModelData>('riskTrainWorker.js', { input, settings }, 'risk model');
  const model = RiskModel.fromData(data);
  if (file && cacheDir) {
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, createdAt: new Date().toISOString(), model: data }));
      await rename(tmp, file);
      await pruneCache(cacheDir, KEEP_MODELS, 'risk-model-');
    } catch (err) {
      warn(`could not write risk model cache ${file}: ${String(err)}`);
    }
  }
  return { model, source: 'trained', key, ms: performance.now() - started };
}
