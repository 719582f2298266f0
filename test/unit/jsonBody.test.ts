import { expect } from 'chai';
import express from 'express';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { jsonBody } from '../../bot/http/jsonBody';
import { errorHandler } from '../../bot/http/middleware';
import { createLogger } from '../../kernel/log';

interface Case {
  name: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent in pieces, without a Content-Length (chunked). */
  chunked?: boolean;
}

const LIMIT = 1024;
const json = (s: string) => Buffer.from(s, 'utf8');
const CASES: Case[] = [
  { name: 'an object', headers: { 'content-type': 'application/json' }, body: json('{"text":"你好","n":[1,2]}') },
  { name: 'an array, charset utf-8', headers: { 'content-type': 'application/json; charset=utf-8' }, body: json(' [1, {"a": null}]') },
  { name: 'a +json type', headers: { 'content-type': 'application/vnd.kefu+json' }, body: json('{"a":1}') },
  { name: 'a byte-order mark', headers: { 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json('{"a":1}')]) },
  { name: 'an empty body', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) },
  { name: 'broken JSON', headers: { 'content-type': 'application/json' }, body: json('{"a":') },
  { name: 'a bare string (strict)', headers: { 'content-type': 'application/json' }, body: json('"hello"') },
  { name: 'a bare number (strict)', headers: { 'content-type': 'application/json' }, body: json(' 42') },
  { name: 'over the limit', headers: { 'content-type': 'application/json' }, body: json(`{"a":"${'x'.repeat(LIMIT)}"}`) },
  { name: 'gzip-compressed', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(json('{"zipped":true}')) },
  { name: 'chunked', headers: { 'content-type': 'application/json' }, body: json('{"chunked":[1,2,3]}'), chunked: true },
  { name: 'latin-1 charset', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: json('{"a":1}') },
  { name: 'another type', headers: { 'content-type': 'text/plain' }, body: json('{"a":1}') },
  { name: 'no type', headers: {}, body: json('{"a":1}') },
];

async function serve(parser: express.RequestHandler): Promise<{ url: URL; server: Server }> {
  const app = express();
  app.use(parser);
  app.post('/echo', (req, res) => void res.json({ body: req.body as unknown, has: 'body' in req && req.body !== undefined }));
  app.use(errorHandler(createLogger('error')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: new URL(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/echo`), server };
}

function send(url: URL, c: Case): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...c.headers };
    if (!c.chunked) headers['content-length'] = String(c.body?.length ?? 0);
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    if (c.chunked && c.body) {
      req.write(c.body.subarray(0, 5));
      req.end(c.body.subarray(5));
    } else req.end(c.body);
  });
}

describe('jsonBody: reads JSON bodies as express.json does', () => {
  let ours: { url: URL; server: Server };
  let theirs: { url: URL; server: Server };
  before(async () => {
    ours = await serve(jsonBody(LIMIT));
    theirs = await serve(express.json({ limit: LIMIT, type: ['application/json', 'application/*+json'] }));
  });
  after(() => {
    ours.server.close();
    theirs.server.close();
  });

  for (const c of CASES)
    it(`${c.name}: the same status and the same body (or error code) as express.json`, async () => {
      const [a, b] = await Promise.all([send(ours.url, c), send(theirs.url, c)]);
      expect(a).to.deep.equal(b);
    });

  it('answers what a user expects: parsed, malformed_json, payload_too_large', async () => {
    expect(await send(ours.url, CASES[0])).to.deep.equal({ status: 200, body: { body: { text: '你好', n: [1, 2] }, has: true } });
    expect((await send(ours.url, CASES[5])).body).to.have.nested.property('error.code', 'malformed_json');
    expect(await send(ours.url, CASES[8])).to.have.property('status', 413);
  });
});
