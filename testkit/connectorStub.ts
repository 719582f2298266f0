import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface ReceivedActivity {
  path: string;
  conversationId: string;
  authorization?: string;
  body: { type?: string; text?: string; replyToId?: string; conversation?: { id?: string } };
}

/**
 * A minimal Bot Framework channel: receives the bot's replies at
 * /v3/conversations/{id}/activities[/{activityId}] (any activity ID, as the pitfall notes).
 */
export class ConnectorStub {
  readonly received: ReceivedActivity[] = [];
  private server?: Server;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  async start(): Promise<string> {
    const app = express();
    app.use(express.json());
    const handler = (req: express.Request, res: express.Response) => {
      this.received.push({
        path: req.path,
        conversationId: String(req.params.conversationId),
        authorization: req.header('authorization'),
        body: req.body as ReceivedActivity['body'],
      });
      res.status(200).json({ id: `stub-${this.received.length}` });
      this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
    };
    app.post('/v3/conversations/:conversationId/activities', handler);
    app.post('/v3/conversations/:conversationId/activities/:activityId', handler);
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves once `n` activities have arrived in total. */
  waitFor(n: number, timeoutMs = 5000): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connector stub: got ${this.received.length} of ${n} activities`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
