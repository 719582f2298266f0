import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { fromRoot } from '../../kernel/paths';

const run = promisify(execFile);

/**
 * The bench's figures are only as good as the load it sends. Until 2026-12-05 the load generator
 * sent every request as a new conversation's first line (autocannon reset its context after each
 * request), so "the conversation script" measured greetings only.
 */
describe('the bench load generator runs its script, one conversation per pass', function () {
  this.timeout(60_000);
  let server: Server;
  let url: string;
  const received = new Map<string, string[]>();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const activity = JSON.parse(body) as { conversation: { id: string }; text: string };
        received.set(activity.conversation.id, [...(received.get(activity.conversation.id) ?? []), activity.text]);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  for (const name of ['main', 'order'] as const) {
    it(`${name}: every conversation gets the script's lines in order, and there are many conversations`, async () => {
      received.clear();
      await run(process.execPath, [fromRoot('dist/bench/loadgen.js'), JSON.stringify({ url, connections: 3, durationS: 1, script: name })]);
      const conversations = [...received.values()];
      expect(conversations.length).to.be.greaterThan(10);
      // The script as the longest conversation saw it: several different lines, each conversation a prefix of it.
      const script = conversations.reduce((a, b) => (b.length > a.length ? b : a));
      expect(new Set(script).size).to.be.at.least(5);
      for (const lines of conversations) expect(script.slice(0, lines.length)).to.deep.equal(lines);
      // Each pass ends where the script ends: all but the last few (cut off by the clock) are whole.
      expect(conversations.filter((lines) => lines.length === script.length).length).to.be.at.least(conversations.length - 3);
    });
  }
});
