import type { z } from 'zod';

/** A configuration problem, with the variable or file and field it comes from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }

  static fromZod(source: string, error: z.ZodError): ConfigError {
    const lines = error.issues.map((i) => `  ${source}${i.path.length ? ` → ${i.path.join('.')}` : ''}: ${i.message}`);
    return new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
}
