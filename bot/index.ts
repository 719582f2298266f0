import { createKefu } from './app';
import { loadData, parseEnv } from './config';
import { ConfigError } from '../kernel/configError';
import { createLogger } from '../kernel/log';

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
  const server = kefu.app.listen(env.PORT, env.HOST, () => {
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
  const loaded = await kefu.ready;
  log.info('ready', {
    model: loaded.source === 'cache' ? 'loaded from cache' : 'trained (now cached)',
    modelMs: Math.round(loaded.ms),
    startupMs: Math.round(performance.now() - started),
  });
  const shutdown = () => {
    server.close(() => void kefu.close().then(() => process.exit(0)));
    // Idle keep-alive sockets go now; open event streams (agent consoles) a moment later, so
    // in-flight turns finish and the consoles reconnect to another instance.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
