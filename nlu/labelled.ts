import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';

const Row = z.object({ text: z.string().min(1), intent: z.string().min(1) }).strict();
export type LabelledRow = z.infer<typeof Row>;

/** Reads JSON lines, each validated by `schema`; an error names the file, the line and the field. */
export function readJsonLines<T extends z.ZodType>(path: string, schema: T): Array<z.infer<T>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (err) {
        throw new Error(`${path}:${n}: ${(err as Error).message}`);
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`${path}:${n}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** Reads `{text, intent}` JSON lines (the format of shared/bench-data). */
export function readLabelled(path: string): LabelledRow[] {
  return readJsonLines(path, Row);
}

const ListName = z.string().regex(/^[a-z][a-z0-9_]*$/);

/** A folder of entity lists: `<list>.txt`, one name per line (blank lines and `#` comments skipped). */
export function readEntityLists(dir: string): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const name = basename(file, '.txt');
    if (!ListName.safeParse(name).success) throw new Error(`${join(dir, file)}: list names are snake_case file names`);
    lists[name] = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  }
  if (Object.keys(lists).length === 0) throw new Error(`${dir}: no <list>.txt files`);
  return lists;
}
