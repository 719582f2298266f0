import { z } from 'zod';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30s", "5m", "2h", "1d" → milliseconds, for config files. */
export const Duration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'expected a duration like "30s", "5m", "2h"')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS]);
