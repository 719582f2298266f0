/**
 * Chinese features for NLP.js: character unigrams and bigrams of each Han run, plus Latin words
 * and digits as whole tokens. NLP.js's own zh "stemmer" maps words to tone-numbered pinyin, so
 * homophones collide (今天/天气/添加 → tian1) and punctuation leaks in as features; characters keep
 * the meaning and need no dictionary, so typos and unknown words still share most features.
 */
export function zhFeatures(text: string): string[] {
  const tokens: string[] = [];
  const runs = text.toLowerCase().match(/\p{Script=Han}+|[a-z]+|\d+/gu) ?? [];
  for (const run of runs) {
    if (!/\p{Script=Han}/u.test(run)) {
      tokens.push(run);
      continue;
    }
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i += 1) {
      tokens.push(chars[i]);
      if (i + 1 < chars.length) tokens.push(chars[i] + chars[i + 1]);
    }
  }
  return tokens;
}

/** Registered in the NLP.js container under the name its pipeline looks up for locale zh. */
export class CharNgramStemmerZh {
  readonly name = 'stemmer-zh';

  async stem(text: string | string[], input?: { utterance?: string; text?: string }): Promise<string[]> {
    const source = typeof text === 'string' ? text : (input?.text ?? input?.utterance ?? text.join(''));
    return zhFeatures(source);
  }

  async run(input: { text?: string; utterance?: string; tokens: string[] }): Promise<typeof input> {
    input.tokens = await this.stem(input.text ?? input.utterance ?? input.tokens.join(''), input);
    return input;
  }
}

/**
 * Replaces NLP.js's dictionary segmenter, whose output the stemmer above ignores: without it the
 * 100k-entry CEDICT dictionary is never compiled (seconds of start-up, tens of MB).
 */
export class PassThroughTokenizerZh {
  readonly name = 'tokenizer-zh';

  tokenize(text: string): string[] {
    return [text];
  }
}
