import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Row = z.object({ text: z.string().min(1), intent: z.string().min(1) }).strict();
export type LabelledRow = z.infer<typeof Row>;

/** Reads `{text, intent}` JSON lines (the format of shared/bench-data); names file and line on error. */
export function readLabelled(path: string): LabelledRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      const parsed = Row.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${n}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
      return parsed.data;
    });
}
