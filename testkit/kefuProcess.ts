import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './freePort';
import { fromRoot } from '../kernel/paths';

/** Load generators come from one address at thousands of requests a second: the rate limits are lifted for them. */
export const NO_RATE_LIMITS = { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000', RATE_LIMIT_TOKENS_PER_HOUR: '1000000' };

export interface KefuProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node dist/bot/index.js` as its own process, as an operator would, and waits for /readyz.
 * `nodeArgs` go before the script (a benchmark's `--trace-gc-nvp`); what they print is in `output`.
 */
export async function startKefuProcess(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<KefuProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [...nodeArgs, fromRoot('dist/bot/index.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kefu exited: ${output.join('')}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() - started > 30_000) throw new Error(`kefu not ready: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
