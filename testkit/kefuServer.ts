import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createKefu, type Kefu, type KefuOverrides } from '../bot/app';
import { loadData, parseEnv, type Env } from '../bot/config';
import { createLogger, type Logger } from '../kernel/log';
import { createKefuServer } from '../bot/http/server';

export interface RunningKefu {
  url: string;
  kefu: Kefu;
  env: Env;
  logs: string[];
  /** Cuts every open connection, as a network blip would: the consoles' live streams with them. The server keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Starts kefu in-process on a free port, over real HTTP, and waits for the model. */
export async function startKefu(envOverrides: Record<string, string> = {}, overrides: KefuOverrides = {}): Promise<RunningKefu> {
  const env = parseEnv({ PORT: '0', LOG_LEVEL: 'warn', ...envOverrides });
  const data = loadData(env);
  const logs: string[] = [];
  const log: Logger = createLogger(env.LOG_LEVEL, (line) => logs.push(line));
  const kefu = createKefu(env, data, log, overrides);
  await kefu.ready;
  const server: Server = await new Promise((resolve) => {
    const s = createKefuServer(kefu.app).listen(0, '127.0.0.1', () => resolve(s));
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    if (!kefu.upgrade(req, socket, head)) socket.destroy();
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    kefu,
    env,
    logs,
    dropConnections: () => server.closeAllConnections(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kefu.close();
    },
  };
}
