import type { IntentScore } from './types';

/**
 * A multinomial logistic regression over sparse word and character n-gram features, trained by
 * SGD. It complements NLP.js's network: sub-word features keep typos and unseen inflections close
 * to what was trained, and its softmax scores are better calibrated for the out-of-scope decision.
 */
export interface LinearOptions {
  epochs: number;
  learningRate: number;
  l2: number;
}

export const DEFAULT_LINEAR: LinearOptions = { epochs: 30, learningRate: 1, l2: 1e-6 };

export interface LinearModelData {
  version: 1;
  features: string[];
  classes: string[];
  /** Row-major [feature][class], base64 of a Float32Array. */
  weights: string;
  bias: number[];
}

const HAN = /\p{Script=Han}/u;

/** Weighted sparse features of a text: words, word bigrams, and character n-grams. */
export function ngramFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  const lower = text.toLowerCase();
  const runs = lower.match(/\p{Script=Han}+|[a-z0-9']+/gu) ?? [];
  let previous: string | undefined;
  for (const run of runs) {
    if (HAN.test(run)) {
      const chars = Array.from(run);
      for (let i = 0; i < chars.length; i += 1) {
        add(`c1:${chars[i]}`);
        if (i + 1 < chars.length) add(`c2:${chars[i]}${chars[i + 1]}`);
        if (i + 2 < chars.length) add(`c3:${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
      }
      previous = undefined;
      continue;
    }
    add(`w:${run}`);
    if (previous) add(`b:${previous}_${run}`);
    previous = run;
    const padded = `<${run}>`;
    for (let n = 3; n <= 5; n += 1) {
      for (let i = 0; i + n <= padded.length; i += 1) add(`g${n}:${padded.slice(i, i + n)}`);
    }
  }
  // Sublinear term frequency, then unit length.
  let norm = 0;
  for (const [f, c] of counts) {
    const v = 1 + Math.log(c);
    counts.set(f, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [f, v] of counts) counts.set(f, v / norm);
  return counts;
}

export class LinearClassifier {
  private readonly index: Map<string, number>;

  private constructor(private readonly features: string[], private readonly classes: string[], private readonly w: Float32Array, private readonly b: Float64Array) {
    this.index = new Map(features.map((f, i) => [f, i]));
  }

  static train(examples: ReadonlyArray<{ text: string; intent: string }>, options: LinearOptions = DEFAULT_LINEAR): LinearClassifier {
    const classes = [...new Set(examples.map((e) => e.intent))].sort();
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    const featureIndex = new Map<string, number>();
    const rows = examples.map((e) => {
      const f = ngramFeatures(e.text);
      const idx: number[] = [];
      const val: number[] = [];
      for (const [name, v] of f) {
        let i = featureIndex.get(name);
        if (i === undefined) {
          i = featureIndex.size;
          featureIndex.set(name, i);
        }
        idx.push(i);
        val.push(v);
      }
      return { idx, val, y: classIndex.get(e.intent) as number };
    });
    const C = classes.length;
    const w = new Float32Array(featureIndex.size * C);
    const b = new Float64Array(C);
    const z = new Float64Array(C);
    const order = rows.map((_, i) => i);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const lr = options.learningRate / (1 + epoch * 0.5);
      for (const r of order) {
        const { idx, val, y } = rows[r];
        for (let c = 0; c < C; c += 1) z[c] = b[c];
        for (let k = 0; k < idx.length; k += 1) {
          const base = idx[k] * C;
          const x = val[k];
          for (let c = 0; c < C; c += 1) z[c] += w[base + c] * x;
        }
        softmaxInPlace(z);
        z[y] -= 1; // gradient of the cross-entropy: p - onehot
        for (let c = 0; c < C; c += 1) b[c] -= lr * z[c];
        for (let k = 0; k < idx.length; k += 1) {
          const base = idx[k] * C;
          const x = val[k];
          for (let c = 0; c < C; c += 1) w[base + c] -= lr * (z[c] * x + options.l2 * w[base + c]);
        }
      }
    }
    return new LinearClassifier([...featureIndex.keys()], classes, w, b);
  }

  static fromData(data: LinearModelData): LinearClassifier {
    const buf = Buffer.from(data.weights, 'base64');
    const w = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return new LinearClassifier(data.features, data.classes, w, Float64Array.from(data.bias));
  }

  toData(): LinearModelData {
    return { version: 1, features: this.features, classes: this.classes, weights: Buffer.from(this.w.buffer).toString('base64'), bias: [...this.b] };
  }

  /** Class probabilities, best first. */
  classify(text: string): IntentScore[] {
    const C = this.classes.length;
    const z = Float64Array.from(this.b);
    for (const [name, x] of ngramFeatures(text)) {
      const i = this.index.get(name);
      if (i === undefined) continue;
      const base = i * C;
      for (let c = 0; c < C; c += 1) z[c] += this.w[base + c] * x;
    }
    softmaxInPlace(z);
    return this.classes.map((intent, c) => ({ intent, score: z[c] })).sort((a, b) => b.score - a.score);
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < z.length; c += 1) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < z.length; c += 1) {
    z[c] = Math.exp(z[c] - max);
    sum += z[c];
  }
  for (let c = 0; c < z.length; c += 1) z[c] /= sum;
}
