/**
 * Entity lists ("gazetteers"): named things a classifier cannot learn from a few phrasings — app,
 * dish or courier names. A text mentioning any entry of a list gets that list's feature, so "顺丰到哪了"
 * and "中通到哪了" look alike even when only one courier appears in training.
 */
export type EntityLists = Readonly<Record<string, readonly string[]>>;

const WORD = /[a-z0-9'-]/;

/** Matches list entries in a text by longest match at each position (entries are lower-cased). */
export class Gazetteer {
  private readonly entries = new Map<string, string[]>();
  private readonly lengths: number[];

  constructor(lists: EntityLists) {
    const lengths = new Set<number>();
    for (const [type, names] of Object.entries(lists)) {
      for (const raw of names) {
        const name = raw.trim().toLowerCase();
        // One-character entries would fire on ordinary words; they are ignored.
        if (Array.from(name).length < 2) continue; // code points, not UTF-16 units
        const types = this.entries.get(name) ?? [];
        if (!types.includes(type)) types.push(type);
        this.entries.set(name, types);
        lengths.add(name.length);
      }
    }
    this.lengths = [...lengths].sort((a, b) => b - a);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The list types mentioned in `text`, one per non-overlapping match. */
  match(text: string): string[] {
    const lower = text.toLowerCase();
    const found: string[] = [];
    if (this.entries.size === 0) return found;
    let i = 0;
    while (i < lower.length) {
      let advanced = false;
      for (const n of this.lengths) {
        if (i + n > lower.length) continue;
        const types = this.entries.get(lower.slice(i, i + n));
        if (types) {
          // A Latin edge of an entry must not run on into a word ("ups" inside "top-ups", "qq" in "qqq").
          const joinsBefore = WORD.test(lower[i]) && i > 0 && WORD.test(lower[i - 1]);
          const joinsAfter = WORD.test(lower[i + n - 1]) && WORD.test(lower[i + n] ?? '');
          if (joinsBefore || joinsAfter) continue;
          found.push(...types);
          i += n;
          advanced = true;
          break;
        }
      }
      if (!advanced) i += 1;
    }
    return found;
  }
}
