import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface SentMessage {
  path: string;
  token: string;
  body: { touser: string; msgtype: string; agentid?: number; text: { content: string } };
}

/** A local stand-in for api.weixin.qq.com / qyapi.weixin.qq.com, recording what kefu sends. */
export class WeChatApiStub {
  readonly sent: SentMessage[] = [];
  tokenCalls = 0;
  /** errcodes to answer the next sends with, in order (then 0). */
  failNext: number[] = [];
  private server?: Server;

  async start(): Promise<string> {
    const app = express();
    app.use(express.json());
    const token = () => {
      this.tokenCalls += 1;
      return { access_token: `T${this.tokenCalls}`, expires_in: 7200 };
    };
    app.get('/cgi-bin/token', (_req, res) => void res.json(token()));
    app.get('/cgi-bin/gettoken', (_req, res) => void res.json({ errcode: 0, errmsg: 'ok', ...token() }));
    const send = (req: express.Request, res: express.Response) => {
      const errcode = this.failNext.shift() ?? 0;
      const accessToken = req.query.access_token; // the API takes it once, as ?access_token=…
      if (errcode === 0) this.sent.push({ path: req.path, token: typeof accessToken === 'string' ? accessToken : '', body: req.body as SentMessage['body'] });
      res.json({ errcode, errmsg: errcode ? 'stub error' : 'ok' });
    };
    app.post('/cgi-bin/message/custom/send', send);
    app.post('/cgi-bin/message/send', send);
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitForSent(n: number, timeoutMs = 5000): Promise<void> {
    const started = Date.now();
    while (this.sent.length < n) {
      if (Date.now() - started > timeoutMs) throw new Error(`WeChat stub: ${this.sent.length} of ${n} messages`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
