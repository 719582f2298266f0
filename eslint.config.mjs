// ESLint flat config: typescript-eslint strict + stylistic (type-checked), plus the layer rules.
//
// Layers are the top-level folders. Every project import is relative (no baseUrl/paths), so a
// file at depth d (nlu/x.ts is 1, infra/redis/x.ts is 2) reaches another layer L only through
// exactly d "../" followed by L. The boundary rules below are generated per layer and per depth,
// so `../../bot/app` is caught in nlu/sub/x.ts while `../bot/app` there (= nlu/bot/app) is not.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const LAYERS = ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'tools', 'testkit', 'test', 'bench'];

/** What each layer may import besides itself; everything else in LAYERS is forbidden. */
const ALLOWED = {
  kernel: [],
  nlu: ['kernel'],
  orders: ['kernel'],
  handoff: ['kernel', 'nlu', 'orders'],
  dialogs: ['kernel', 'nlu', 'orders'], // + handoff, `import type` only (TYPE_ONLY below)
  infra: ['kernel', 'handoff'], // infra implements handoff's ports
  bot: ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra'],
  tools: ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'testkit'],
  testkit: ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'tools'],
  test: ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'tools', 'testkit'],
  bench: ['kernel', 'nlu', 'orders', 'handoff', 'dialogs', 'infra', 'bot', 'tools', 'testkit'],
};

/** Layers another layer may reach through interfaces only. */
const TYPE_ONLY = { dialogs: ['handoff'] };

/** ioredis is imported only under infra/redis/; everyone else goes through infra/redis/connection. */
const IOREDIS_HOME = 'infra/redis';
const IOREDIS_PATHS = [{ name: 'ioredis', message: 'use infra/redis/connection' }];
const IOREDIS_PATTERNS = [{ regex: '^ioredis/', message: 'use infra/redis/connection' }];

const MAX_DEPTH = 8;
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `^(./)?../../bot(/|$)` for depth 2: the import specifier of layer `to` seen from depth `depth`. */
const layerRegex = (to, depth) => `^(?:\\./)?${escapeRegex('../'.repeat(depth))}${escapeRegex(to)}(?:/|$)`;

const mayImport = (layer) => [...ALLOWED[layer].map((l) => `${l}/`), ...(TYPE_ONLY[layer] ?? []).map((l) => `types from ${l}/`)].join(', ') || 'no other layer';

function restrictions(layer, depth, ioredisAllowed) {
  const typeOnly = TYPE_ONLY[layer] ?? [];
  const denied = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l) && !typeOnly.includes(l));
  const patterns = [
    ...denied.map((to) => ({
      regex: layerRegex(to, depth),
      message: `layer rule: ${layer}/ may not import ${to}/ (${layer}/ may import ${mayImport(layer)})`,
    })),
    ...typeOnly.map((to) => ({
      regex: layerRegex(to, depth),
      allowTypeImports: true,
      message: `layer rule: ${layer}/ may use only \`import type\` from ${to}/ (it reaches ${to}/ through interfaces)`,
    })),
    ...(ioredisAllowed ? [] : IOREDIS_PATTERNS),
  ];
  return ['error', { paths: ioredisAllowed ? [] : IOREDIS_PATHS, patterns }];
}

/** One config object per (folder, depth), so exactly one no-restricted-imports setting applies to each file. */
function layerConfigs() {
  const configs = [];
  const scopes = [
    ...LAYERS.map((layer) => ({ dir: layer, layer, ioredisAllowed: false })),
    // Later objects win: infra/redis/** gets infra's rules without the ioredis restriction.
    { dir: IOREDIS_HOME, layer: 'infra', ioredisAllowed: true },
  ];
  for (const { dir, layer, ioredisAllowed } of scopes) {
    const dirDepth = dir.split('/').length;
    for (let depth = dirDepth; depth <= MAX_DEPTH; depth++) {
      configs.push({
        name: `kefu/layers/${dir}/depth-${depth}`,
        files: [`${dir}/${'*/'.repeat(depth - dirDepth)}*.ts`],
        rules: { 'no-restricted-imports': restrictions(layer, depth, ioredisAllowed) },
      });
    }
  }
  return configs;
}

export const layers = layerConfigs();

export default defineConfig(
  {
    name: 'kefu/ignores',
    ignores: ['dist/**', 'node_modules/**', 'test-output/**', '.cache/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    name: 'kefu/typescript',
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Relaxed: numbers (ms, counts, ports) go into log lines, replies and URLs on purpose, and so do Node's URLSearchParams (query strings).
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: 'URLSearchParams' },
          ],
        },
      ],
      // Relaxed: `return void reply(res, ...)`, `return fail(res, ...)` in void handlers and `() => resolve()` are house idioms for "do this, then leave".
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreVoidOperator: true, ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // Off: the same `return void reply(...)` idiom applies void to void calls on purpose.
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // Relaxed: `T[]` for simple element types, `Array<{ ... }>` / `Array<[a, b]>` for complex ones, as the code does.
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // Relaxed: a leading `_` marks a binding as unused on purpose (a port's parameter, an omitted field in `{ eTag: _e, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Off: async without await is deliberate — in-memory/demo adapters implement Promise-returning ports, and `async` turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Off: conflicts with strict's no-non-null-assertion; the code narrows with `as T`, never `x!`.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
    },
  },
  {
    // Browser code (the web chat, the agent console) is compiled by tsconfig.web.json, not tsconfig.json.
    name: 'kefu/web',
    files: ['bot/webchat/**/*.ts', 'handoff/console/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.web.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  ...layers,
);
