import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { modelKey, type Corpus } from './corpus';
import { NlpjsClassifier, type ClassifierSettings } from './nlpjsClassifier';

/** Bump when the features or the way the model is built change, so old caches are not reused. */
const PIPELINE_VERSION = 'kefu-nlu-1';

const CachedModel = z.object({ key: z.string(), createdAt: z.string(), model: z.string().min(2) });

export interface LoadedClassifier {
  classifier: NlpjsClassifier;
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
  settings: ClassifierSettings,
  cacheDir: string | undefined,
  warn: (message: string) => void,
): Promise<LoadedClassifier> {
  const started = performance.now();
  const nlpjsVersion = (require('@nlpjs/basic/package.json') as { version: string }).version;
  const key = modelKey(corpus, settings, `${PIPELINE_VERSION}/${nlpjsVersion}`);
  const file = cacheDir ? join(cacheDir, `nlu-model-${key}.json`) : undefined;
  if (file) {
    try {
      const cached = CachedModel.parse(JSON.parse(await readFile(file, 'utf8')));
      if (cached.key === key) {
        const classifier = await NlpjsClassifier.fromModel(cached.model, settings);
        return { classifier, source: 'cache', key, ms: performance.now() - started };
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`ignoring unreadable NLU model cache ${file}: ${String(err)}`);
    }
  }
  const classifier = await NlpjsClassifier.train(corpus, settings);
  if (file && cacheDir) {
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, createdAt: new Date().toISOString(), model: classifier.toModel() }));
      await rename(tmp, file);
    } catch (err) {
      warn(`could not write NLU model cache ${file}: ${String(err)}`);
    }
  }
  return { classifier, source: 'trained', key, ms: performance.now() - started };
}
