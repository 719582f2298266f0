import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createKefuServer } from '../../bot/http/server';

describe('kefu HTTP server', () => {
  it('hands express requests already built on its prototypes, and express works on them as usual', async () => {
    const app = express();
    app.get('/q', (req, res) => {
      res.status(201).json({ q: req.query, path: req.path, sameApp: req.app === app, ip: req.ip !== undefined });
    });
    const server = createKefuServer(app);
    // What express would have to change with Object.setPrototypeOf, had the server not built it so.
    const changed: string[] = [];
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (Object.getPrototypeOf(req) !== app.request) changed.push(`request ${req.url ?? ''}`);
      if (Object.getPrototypeOf(res) !== app.response) changed.push(`response ${req.url ?? ''}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const q of ['a', 'b']) {
        const res = await fetch(`http://127.0.0.1:${port}/q?x=${q}`);
        expect(res.status).to.equal(201);
        expect(await res.json()).to.deep.equal({ q: { x: q }, path: '/q', sameApp: true, ip: true });
      }
      expect((await fetch(`http://127.0.0.1:${port}/nowhere`)).status).to.equal(404);
      expect(changed).to.deep.equal([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
