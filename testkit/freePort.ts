import { createServer, type Server } from 'node:net';

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct TCP ports nothing listens on right now: all are held open until every one is
 * chosen, so no two are the same (asked for one at a time, the OS may hand a released port out
 * again — a cluster node once got another node's bus port and never answered PING).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const s = createServer();
      s.unref();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }
}
