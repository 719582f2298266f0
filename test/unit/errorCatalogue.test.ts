import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { ERRORS, errorMessage, formatZodIssues, KefuError, type ErrorCode } from '../../kernel/errors';
import { fromRoot } from '../../kernel/paths';

interface Row {
  code: string;
  status: number;
  when: string;
}

/** The rows of README.md's error table (`| code | HTTP status | when |`). */
function readmeErrorTable(): Row[] {
  const lines = readFileSync(fromRoot('README.md'), 'utf8').split('\n');
  const header = lines.findIndex((l) => /^\|\s*code\s*\|\s*HTTP status\s*\|\s*when\s*\|\s*$/.test(l));
  expect(header, 'README.md has no "| code | HTTP status | when |" table').to.be.greaterThan(-1);
  expect(lines[header + 1]).to.match(/^\|(\s*-+\s*\|){3}\s*$/);
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const m = /^\|\s*`([^`]+)`\s*\|\s*(\d{3})\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (!m) throw new Error(`README error table row is not "| \`code\` | status | when |": ${line}`);
    rows.push({ code: m[1], status: Number(m[2]), when: m[3] });
  }
  return rows;
}

/** The server-side sources (browser code excluded): where an error envelope could be built. */
function serverSources(): string[] {
  const excluded = ['bot/webchat', 'handoff/console'].map((d) => fromRoot(d));
  const files: string[] = [];
  const walk = (dir: string) => {
    if (excluded.includes(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const d of ['bot', 'handoff', 'kernel', 'infra', 'dialogs', 'nlu']) walk(fromRoot(d));
  return files;
}

describe('the error catalogue (kernel/errors.ts)', () => {
  it("README.md's error table lists exactly the catalogue's codes, each with its status", () => {
    const rows = readmeErrorTable();
    const codes = rows.map((r) => r.code);
    expect(new Set(codes).size, 'a code appears twice in the README table').to.equal(codes.length);
    expect(new Set(codes)).to.deep.equal(new Set(Object.keys(ERRORS)));
    for (const r of rows) {
      expect(r.status, `README status of ${r.code}`).to.equal(ERRORS[r.code as ErrorCode].status);
      expect(r.when, `README "when" of ${r.code}`).to.not.equal('');
    }
  });

  it('every entry has an error status and a message', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(e.status, code).to.be.within(400, 599);
      expect(e.message, code).to.not.equal('');
    }
  });

  it("fills {detail} into the template, and KefuError takes the catalogue's status", () => {
    expect(errorMessage('compliance', '最低价')).to.equal('the reply contains forbidden phrases: 最低价');
    expect(errorMessage('not_queued', 'claim')).to.equal('cannot claim: the handoff is not queued');
    expect(errorMessage('internal', 'ignored')).to.equal('internal error');
    const err = new KefuError('customer_unreachable', 'quota', { channelCode: '45047' });
    expect(err).to.include({ code: 'customer_unreachable', status: 409 });
    expect(err.extra).to.deep.equal({ channelCode: '45047' });
  });

  it('formats zod issues as one line naming each field', () => {
    const r = z
      .object({ text: z.string().min(1), n: z.number() })
      .strict()
      .safeParse({ text: '', n: 'x' });
    expect(r.success).to.equal(false);
    const line = formatZodIssues((r as { error: z.ZodError }).error);
    expect(line).to.match(/^text: .+; n: .+$/);
    const whole = z.object({}).strict().safeParse(3);
    expect(formatZodIssues((whole as { error: z.ZodError }).error)).to.match(/^body: /);
  });

  it('no server source builds the {error: {code, …}} envelope inline: only kernel/http.ts does', () => {
    // `error: { code`, however spaced; comment lines (which may describe the envelope) do not count.
    const envelope = /error\s*:\s*\{\s*code\b/;
    const code = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l))
        .join('\n');
    const files = serverSources();
    expect(files.length).to.be.greaterThan(20);
    const offenders = files.filter((f) => envelope.test(code(f))).map((f) => relative(fromRoot('.'), f).split(sep).join('/'));
    expect(offenders, 'build error responses with sendError (kernel/http.ts) and a code of kernel/errors.ts').to.deep.equal(['kernel/http.ts']);
  });
});
