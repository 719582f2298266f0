import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { satisfies, validRange } from 'semver';
import { z } from 'zod';
import { fromRoot } from '../kernel/paths';

const run = promisify(execFile);

const AdvisoryFile = z
  .object({
    $comment: z.string().optional(),
    updated: z.string(),
    advisories: z.array(
      z
        .object({
          id: z.string(),
          package: z.string(),
          vulnerable: z.string().refine((r) => validRange(r) !== null, 'not a semver range'),
          severity: z.enum(['low', 'moderate', 'high', 'critical']),
          title: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

interface Tree {
  version?: string;
  dependencies?: Record<string, Tree>;
}

/**
 * `npm run audit`: the production dependency tree against npm's advisory service when it answers;
 * otherwise — this machine reaches only the package registry — against the advisory list shipped
 * in security/advisories.json, saying so. Exits 1 when a moderate or worse advisory matches.
 * `--advisories <file>` checks against another list.
 */
async function main(): Promise<void> {
  const fileArg = process.argv.indexOf('--advisories');
  const file = fileArg > 0 ? process.argv[fileArg + 1] : fromRoot('security/advisories.json');
  const online = await run('npm', ['audit', '--omit=dev', '--json'], { cwd: fromRoot('.'), timeout: 30_000, maxBuffer: 1 << 26 }).then(
    (r) => r.stdout,
    (err: unknown) => {
      const out = (err as { stdout?: string }).stdout ?? '';
      // npm audit exits 1 when it finds something: that is an answer, not a failure to reach the service.
      return out.includes('"vulnerabilities"') ? out : undefined;
    },
  );
  if (online !== undefined && fileArg < 0) {
    const report = JSON.parse(online) as { metadata?: { vulnerabilities?: Partial<Record<'low' | 'moderate' | 'high' | 'critical', number>> } };
    const v = report.metadata?.vulnerabilities ?? {};
    process.stdout.write(`npm audit (advisory service): ${JSON.stringify(v)}\n`);
    if ((v.moderate ?? 0) + (v.high ?? 0) + (v.critical ?? 0) > 0) process.exitCode = 1;
    return;
  }
  const list = AdvisoryFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: fromRoot('.'), maxBuffer: 1 << 26 }).catch((err: unknown) => ({
    stdout: (err as { stdout?: string }).stdout ?? '{}',
  }));
  const installed = new Map<string, Set<string>>();
  const walk = (node: Tree) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.version) (installed.get(name) ?? installed.set(name, new Set()).get(name))?.add(child.version);
      walk(child);
    }
  };
  walk(JSON.parse(stdout) as Tree);
  const found = list.advisories.flatMap((a) =>
    [...(installed.get(a.package) ?? [])].filter((v) => satisfies(v, a.vulnerable, { includePrerelease: true })).map((v) => ({ ...a, version: v })),
  );
  process.stdout.write(
    `npm's advisory service could not be reached: checked ${String(installed.size)} production packages against ${file} (${String(list.advisories.length)} advisories, updated ${list.updated}).\n`,
  );
  for (const f of found) process.stdout.write(`  ${f.severity.toUpperCase()} ${f.package}@${f.version}: ${f.id} ${f.title} (vulnerable: ${f.vulnerable})\n`);
  process.stdout.write(found.length === 0 ? '  no installed version matches a listed advisory\n' : '');
  if (found.some((f) => f.severity !== 'low')) process.exitCode = 1;
}

void main();
