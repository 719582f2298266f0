import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActivityLog } from '../../infra/activityLog';
import type { DirectLineCredentials } from './tokens';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]{1,256})\/stream$/;

export interface DirectLineStreamDeps {
  credentials: DirectLineCredentials;
  log: ActivityLog;
  clock: () => Date;
  /** How often a stream reads the conversation's log (shared by every instance through Redis). */
  pollMs?: number;
}

/**
 * Direct Line 3.0's WebSocket stream (the `streamUrl` Web Chat connects to by default): each new
 * activity set of the conversation is pushed as `{activities, watermark}`. The stream reads the same
 * activity log the polling GET does, so it works whichever instance wrote the activities.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly open = new Set<WebSocket>();

  constructor(private readonly deps: DirectLineStreamDeps) {}

  /** Takes an HTTP upgrade for a Direct Line stream; false when the path is not one (someone else's upgrade). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://kefu.invalid');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match?.[1]) return false;
    const conversationId = decodeURIComponent(match[1]);
    const token = url.searchParams.get('t') ?? /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const auth = token ? this.deps.credentials.authenticate(`Bearer ${token}`, this.deps.clock()) : undefined;
    if (!auth || (auth.kind === 'token' && auth.claims.conv !== conversationId)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    const watermark = Number.parseInt(url.searchParams.get('watermark') ?? '', 10);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, conversationId, Number.isFinite(watermark) && watermark >= 0 ? watermark : 0));
    return true;
  }

  private serve(ws: WebSocket, conversationId: string, from: number): void {
    this.open.add(ws);
    let watermark = from;
    let reading = false;
    const push = async () => {
      if (reading) return;
      reading = true;
      try {
        const page = await this.deps.log.since(conversationId, watermark);
        if (page.activities.length > 0 && ws.readyState === ws.OPEN) {
          watermark = page.watermark;
          ws.send(JSON.stringify({ activities: page.activities, watermark: String(page.watermark) }));
        }
      } catch {
        // The store did not answer: the next tick tries again; nothing is skipped (the watermark stays).
      } finally {
        reading = false;
      }
    };
    const poll = setInterval(() => void push(), this.deps.pollMs ?? 250);
    // Keeps proxies from closing an idle stream (Direct Line sends empty keep-alives too).
    const keepAlive = setInterval(() => ws.ping(), 30_000);
    void push();
    ws.on('close', () => {
      clearInterval(poll);
      clearInterval(keepAlive);
      this.open.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  /** Closes every stream (shutdown): clients reconnect to another instance. */
  close(): void {
    for (const ws of this.open) ws.close(1001, 'server going away');
    this.wss.close();
  }
}

/** The `streamUrl` of a conversation, on the host and scheme the client used. */
export function streamUrlFor(base: { secure: boolean; host: string; mount: string }, conversationId: string, token: string): string {
  const scheme = base.secure ? 'wss' : 'ws';
  return `${scheme}://${base.host}${base.mount}/conversations/${encodeURIComponent(conversationId)}/stream?watermark=-&t=${encodeURIComponent(token)}`;
}
