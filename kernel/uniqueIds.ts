import type { z } from 'zod';

/**
 * A config file's list whose entries are named by `id`: a repeated id is an error on that entry's
 * `id` field (so the start-up message names file, list, index and field). For `.superRefine`.
 */
export function uniqueIds<K extends string>(list: K, what = 'id') {
  return (file: Record<K, ReadonlyArray<{ id: string }>>, ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    file[list].forEach((entry, i) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `duplicate ${what} "${entry.id}"` });
      seen.add(entry.id);
    });
  };
}
