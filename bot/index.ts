import { createKefu } from './app';
import { loadData, parseEnv } from './config';
import { ConfigError } from '../kernel/configError';
import { createLogger } from '../kernel/log';
import { createKefuServer } from './http/server';

async function main(): Promise<void> {
  const started = performance.now();
  let env;
  let data;
  try {
    env = parseEnv(process.env);
    data = loadData(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`kefu: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(env.LOG_LEVEL);
  const kefu = createKefu(env, data, log);
  const backendProblem = await kefu.checkBackend();
  if (backendProblem) {
    process.stderr.write(`kefu: ${backendProblem}\n`);
    await kefu.close();
    process.exit(1);
  }
  for (const warning of await kefu.backendWarnings()) log.warn(warning);
  const server = createKefuServer(kefu.app).listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    log.info('kefu listening', { url: `http://localhost:${port}`, mode: env.KEFU_MODE });
    if (kefu.directLineSecret) {
      log.warn('development Direct Line secret generated for this run (set DIRECTLINE_SECRET to fix one)', {
        directLineSecret: kefu.directLineSecret,
        domain: `http://localhost:${port}/v3/directline`,
      });
    }
    if (env.KEFU_MODE === 'development') {
      log.warn(
        'development mode: POST /api/messages is OPEN (anonymous Bot Framework auth, no channel secret); set KEFU_MODE=production and BOT_CHANNEL_SECRET before exposing it',
      );
    }
  });
  // Direct Line's WebSocket stream; any other upgrade is refused.
  server.on('upgrade', (req, socket, head: Buffer) => {
    if (!kefu.upgrade(req, socket, head)) socket.destroy();
  });
  // Operators edit corpus, answers, menu or lexicons, then `kill -HUP <pid>` (or POST /agent/v1/admin/reload).
  // Registered before the model is ready: SIGHUP's default action would end the process.
  process.on('SIGHUP', () => {
    void kefu.reloadContent().then(
      (outcome) => {
        if (!outcome.ok) log.error('reload failed', { code: outcome.code, message: outcome.message });
      },
      (err: unknown) => log.error('reload failed', { error: String(err) }),
    );
  });
  // Installed before the model loads: a SIGTERM during start-up drains too.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down: draining', { signal, graceMs: env.SHUTDOWN_GRACE_MS });
    // /readyz says 503 at once and new requests get 503 + Retry-After + Connection: close; the
    // listener stays open until the turns in flight are done, so the load balancer sees the 503s.
    kefu.drain.start();
    server.closeIdleConnections();
    // Consoles are told to reconnect (to another instance) in 2 s.
    kefu.closeStreams(2000);
    const hardStop = setTimeout(() => {
      log.warn('shutdown: grace period over, exiting');
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS + 5000);
    hardStop.unref();
    void kefu.drain
      .idle(env.SHUTDOWN_GRACE_MS)
      .then(async (clean) => {
        if (!clean) log.warn('shutdown: turns still running after the grace period were cut');
        server.close();
        server.closeAllConnections();
        await kefu.close();
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      });
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  const loaded = await kefu.ready;
  log.info('ready', {
    model: loaded.source === 'cache' ? 'loaded from cache' : 'trained (now cached)',
    modelMs: Math.round(loaded.ms),
    startupMs: Math.round(performance.now() - started),
  });
}

main().catch((err: unknown) => {
  // A data file found broken while wiring (e.g. DEMO_ORDERS_FILE) names the file and field, without a stack trace.
  if (err instanceof ConfigError) {
    process.stderr.write(`kefu: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
});
