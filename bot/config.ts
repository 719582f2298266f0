import { riskCorpusFile, type RiskCorpus } from '../nlu/riskCorpus';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { CorpusFile, type Corpus } from '../nlu/corpus';
import { NONE_INTENT } from '../nlu/types';
import { RiskHandling, RiskHandlingFile, type RiskHandlingData } from '../dialogs/riskHandling';
import { EmotionLexiconFile, type EmotionLexiconData } from '../nlu/emotion';
import { AnswersFile, MenuFile, type AnswersData, type MenuData } from '../nlu/knowledgeBase';
import { ComplianceFile, ComplianceFilter, type ComplianceData } from './compliance';
import { ConfigError } from '../kernel/configError';
import { AgentsFile, type Agent } from '../handoff/agents';
import { CannedRepliesFile, type CannedReply } from '../handoff/cannedReplies';
import { WebhooksFile, type Webhook } from '../handoff/webhooks';
import { RoutingFile, type RoutingConfig } from '../handoff/routing';
import { RiskLexiconFile, type RiskLexiconData } from '../nlu/risk';
import { fromRoot, projectRoot } from '../kernel/paths';

const optionalString = z.string().trim().min(1).optional();
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const aesKey = z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'an EncodingAESKey is 43 base64 characters');

export const DEMO_AGENTS_FILE = 'handoff/data/agents.demo.json';

/** A comma-separated list in one variable ("a, b,,c" → [a, b, c]), each item checked by `item`. */
const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** Every environment variable kefu reads (README §Configuration). */
export const EnvSchema = z
  .object({
    PORT: int(0, 65535).default(3978),
    HOST: z.string().default('0.0.0.0'),
    KEFU_MODE: z.enum(['development', 'production']).default('development'),
    BOT_CHANNEL_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    MICROSOFT_APP_ID: z.preprocess(emptyAsUndefined, optionalString),
    MICROSOFT_APP_PASSWORD: z.preprocess(emptyAsUndefined, optionalString),
    MICROSOFT_APP_TENANT_ID: z.preprocess(emptyAsUndefined, optionalString),
    MICROSOFT_APP_TYPE: z.preprocess(emptyAsUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
    USER_TOKEN_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    /** A user token living longer than this (exp − iat) is refused. */
    USER_TOKEN_MAX_LIFETIME_SECONDS: int(60, 30 * 86_400).default(86_400),
    SERVICE_URL_ALLOWLIST: z.preprocess(emptyAsUndefined, commaList(z.url()).optional()),
    /** Bot Framework channels that are agent hubs (e.g. an Omnichannel-style hub): only they receive handoff.initiate with the context packet. */
    AGENT_HUB_CHANNELS: z.preprocess(
      emptyAsUndefined,
      commaList(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a channel id (letters, digits, _ . -)')).default([]),
    ),
    /** Origins whose pages may call Direct Line (Web Chat on the customer's site): "*" or a comma list. */
    /** Origins whose pages may call Direct Line (CORS): "*" or origins. Unset: any in development, none in production. */
    DIRECTLINE_ALLOWED_ORIGINS: z.preprocess(
      emptyAsUndefined,
      commaList(z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'expected * or an origin like https://shop.example.com')).optional(),
    ),
    /** The earlier name of DIRECTLINE_ALLOWED_ORIGINS, still read. */
    DIRECTLINE_CORS_ORIGINS: z.preprocess(
      emptyAsUndefined,
      commaList(z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'expected * or an origin like https://shop.example.com')).optional(),
    ),
    ORDER_SERVICE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    ORDER_SERVICE_TOKEN: z.preprocess(emptyAsUndefined, optionalString),
    ORDER_SERVICE_TIMEOUT_MS: int(100, 60_000).default(3000),
    DEMO_ORDERS_FILE: z.string().default('bot/data/demo-orders.json'),
    NLU_DATA_DIR: z.string().default('nlu/data'),
    NLU_THRESHOLD: z.coerce.number().min(0).max(1).default(0.1),
    NLU_ZH_FEATURES: z.enum(['char-ngrams', 'nlpjs-pinyin']).default('char-ngrams'),
    NLU_LINEAR_WEIGHT: z.coerce.number().min(0).max(1).default(0.85),
    NLU_MODEL_CACHE_DIR: z.string().default('.cache/nlu'),
    COMPLIANCE_FILE: z.string().default('bot/data/compliance.json'),
    MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(64 * 1024),
    /** The largest file a customer may upload through Direct Line (pictures, PDFs). */
    UPLOAD_MAX_BYTES: int(1024, 20 * 1024 * 1024).default(4 * 1024 * 1024),
    STATE_MAX_CONVERSATIONS: int(100, 10_000_000).default(50_000),
    STATE_TTL_SECONDS: int(60, 30 * 86400).default(86400),
    TRANSCRIPT_MAX_ENTRIES: int(0, 10_000).default(500),
    HANDOFF_RETENTION_DAYS: int(1, 3650).default(30),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    REDIS_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://…')
        .optional(),
    ),
    /** A Redis Cluster by its seed nodes (host:port, comma-separated), instead of REDIS_URL. */
    REDIS_CLUSTER_NODES: z.preprocess(
      emptyAsUndefined,
      commaList(
        z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port')
          .transform((hp) => {
            const i = hp.lastIndexOf(':');
            return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
          }),
      )
        .refine((nodes) => nodes.length > 0, 'at least one host:port')
        .optional(),
    ),
    REDIS_NAMESPACE: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,32}$/)
      .default('kefu'),
    /** A Redis command unanswered this long fails (a stalled Redis must not hang every turn). */
    REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(2000),
    HANDOFF_TIMEOUT_MS: int(100, 600_000).default(30_000),
    HANDOFF_POLL_MS: int(10, 10_000).default(100),
    /** How long a taken deadline or timer stays with the instance that took it before another may take it (its taker died). */
    HANDOFF_LEASE_MS: int(500, 600_000).default(30_000),
    /** After SIGTERM: how long turns already running may take to finish before the process exits. */
    SHUTDOWN_GRACE_MS: int(0, 120_000).default(10_000),
    /** When set, GET /metrics needs Authorization: Bearer <METRICS_TOKEN>. */
    METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    /** Requests per minute from one address to /api/messages, /api/nlu/parse and Direct Line. */
    RATE_LIMIT_IP_PER_MINUTE: int(1, 1_000_000).default(600),
    /** Messages per minute in one conversation. */
    RATE_LIMIT_CONVERSATION_PER_MINUTE: int(1, 100_000).default(60),
    /** Tokens (web chat, Direct Line) and new Direct Line conversations per address per hour. */
    RATE_LIMIT_TOKENS_PER_HOUR: int(1, 1_000_000).default(60),
    /** Failed agent sign-ins per address per 10 minutes before the address must wait. */
    RATE_LIMIT_AUTH_FAILURES: int(1, 10_000).default(20),
    /** Fault tests only: pause between taking due deadlines and handling them (the kill -9 window). */
    KEFU_FAILPOINT_DEADLINE_PAUSE_MS: int(0, 60_000).default(0),
    AGENTS_FILE: z.string().default(DEMO_AGENTS_FILE),
    ROUTING_FILE: z.string().default('handoff/data/routing.json'),
    /** Signed webhooks to other systems (CRM, helpdesk): none unless set. */
    WEBHOOKS_FILE: z.preprocess(emptyAsUndefined, z.string().optional()),
    /** The operator's canned replies for agents (reloadable). */
    CANNED_REPLIES_FILE: z.string().default('handoff/data/canned-replies.json'),
    DIRECTLINE_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    DIRECTLINE_TOKEN_TTL_SECONDS: int(60, 86_400).default(3600),
    WEBCHAT_PUBLIC: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    WECHAT_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9]{3,32}$/, '3–32 letters or digits')
        .optional(),
    ),
    WECHAT_APPID: z.preprocess(emptyAsUndefined, optionalString),
    WECHAT_APPSECRET: z.preprocess(emptyAsUndefined, optionalString),
    WECHAT_ENCODING_AES_KEY: z.preprocess(emptyAsUndefined, aesKey.optional()),
    WECHAT_ENCODING_AES_KEY_PREVIOUS: z.preprocess(emptyAsUndefined, aesKey.optional()),
    WECOM_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9]{3,32}$/, '3–32 letters or digits')
        .optional(),
    ),
    WECOM_CORPID: z.preprocess(emptyAsUndefined, optionalString),
    WECOM_AGENTID: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'digits').optional()),
    WECOM_SECRET: z.preprocess(emptyAsUndefined, optionalString),
    WECOM_ENCODING_AES_KEY: z.preprocess(emptyAsUndefined, aesKey.optional()),
    WECOM_ENCODING_AES_KEY_PREVIOUS: z.preprocess(emptyAsUndefined, aesKey.optional()),
    WECHAT_API_BASE: z.preprocess(emptyAsUndefined, z.url().optional()),
    WECOM_API_BASE: z.preprocess(emptyAsUndefined, z.url().optional()),
    WECHAT_REPLAY_WINDOW_S: int(0, 86_400).default(300),
    WECHAT_REPLY_MARGIN_MS: int(100, 4900).default(4500),
  })
  .superRefine((env, ctx) => {
    // An adapter is mounted only when configured, and then completely.
    const groups: Array<[string, Array<keyof typeof env>]> = [
      ['WeChat', ['WECHAT_TOKEN', 'WECHAT_APPID', 'WECHAT_APPSECRET']],
      ['WeCom', ['WECOM_TOKEN', 'WECOM_CORPID', 'WECOM_AGENTID', 'WECOM_SECRET', 'WECOM_ENCODING_AES_KEY']],
    ];
    for (const [name, vars] of groups) {
      const set = vars.filter((v) => env[v] !== undefined);
      if (set.length > 0 && set.length < vars.length) {
        for (const v of vars.filter((x) => env[x] === undefined))
          ctx.addIssue({ code: 'custom', path: [v], message: `required for the ${name} adapter (${set.join(', ')} set)` });
      }
    }
    if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both' });
    }
    if (env.KEFU_MODE !== 'production') return;
    if (!env.BOT_CHANNEL_SECRET && !env.MICROSOFT_APP_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_CHANNEL_SECRET'],
        message: 'required when KEFU_MODE=production (or configure MICROSOFT_APP_ID for Bot Framework auth)',
      });
    }
    if (!env.USER_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['USER_TOKEN_SECRET'], message: 'required when KEFU_MODE=production' });
    }
    if (!env.METRICS_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: 'required when KEFU_MODE=production: /metrics shows queue depths and traffic' });
    }
    if (env.USER_TOKEN_SECRET === DEV_USER_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['USER_TOKEN_SECRET'], message: 'is the public development secret: anyone could mint tokens; set your own' });
    }
    if (env.AGENTS_FILE === DEMO_AGENTS_FILE) {
      ctx.addIssue({ code: 'custom', path: ['AGENTS_FILE'], message: 'the demo agents file has public tokens: give your own when KEFU_MODE=production' });
    }
    for (const name of PRODUCTION_SECRETS) {
      const weak = weakSecret(env[name]);
      if (weak) ctx.addIssue({ code: 'custom', path: [name], message: `${weak} when KEFU_MODE=production` });
    }
    if (!env.SERVICE_URL_ALLOWLIST?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['SERVICE_URL_ALLOWLIST'],
        message: 'required when KEFU_MODE=production: the channel service URLs kefu may send replies to (otherwise any caller picks where kefu POSTs)',
      });
    }
  });

/** The origins whose pages may call Direct Line: as configured, else any in development and none in production. */
export function directLineOrigins(env: Pick<Env, 'DIRECTLINE_ALLOWED_ORIGINS' | 'DIRECTLINE_CORS_ORIGINS' | 'KEFU_MODE'>): string[] {
  return env.DIRECTLINE_ALLOWED_ORIGINS ?? env.DIRECTLINE_CORS_ORIGINS ?? (env.KEFU_MODE === 'development' ? ['*'] : []);
}

/** The secrets a production deployment must not leave guessable. */
const PRODUCTION_SECRETS = ['BOT_CHANNEL_SECRET', 'USER_TOKEN_SECRET', 'DIRECTLINE_SECRET'] as const;

/**
 * Why a secret is too weak, or undefined: at least 32 characters and not a pattern — one character
 * repeated, or a few characters cycled ("abcabc…"), which a length check alone would pass.
 */
export function weakSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  if (secret.length < 32) return `is ${String(secret.length)} characters; at least 32 are required`;
  if (new Set(secret).size < 8) return 'has fewer than 8 distinct characters (a repeated or cycled pattern)';
  for (let period = 1; period <= secret.length / 2; period += 1) {
    if (Array.from({ length: secret.length }, (_, i) => i).every((i) => secret[i] === secret[i % period])) return 'repeats a short pattern';
  }
  return undefined;
}
export type Env = z.infer<typeof EnvSchema>;

/** The development-mode user-token secret: public on purpose, so the demo can mint tokens. */
export const DEV_USER_TOKEN_SECRET = 'kefu-development-user-token-secret';

export interface KefuData {
  risk: RiskLexiconData;
  riskCorpus: RiskCorpus;
  riskHandling: RiskHandlingData;
  agents: Agent[];
  routing: RoutingConfig;
  corpus: Corpus;
  answers: AnswersData;
  menu: MenuData;
  emotion: EmotionLexiconData;
  compliance: ComplianceData;
  canned: CannedReply[];
  webhooks: Webhook[];
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration:\n${result.error.issues.map((i) => `  environment variable ${String(i.path[0] ?? '?')}: ${i.message}`).join('\n')}`,
    );
  }
  return result.data;
}

/** Reads a JSON config file and validates it; errors name the file and the field. */
export function loadJsonFile<T extends z.ZodType>(path: string, schema: T): z.infer<T> {
  const shown = relative(projectRoot, path) || path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  file ${shown}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw ConfigError.fromZod(`file ${shown}`, parsed.error);
  return parsed.data;
}

/** What operators may reload while kefu runs (`bot/contentReload.ts`); agents and routing take a restart. */
export type KefuContent = Pick<KefuData, 'corpus' | 'answers' | 'menu' | 'emotion' | 'risk' | 'riskCorpus' | 'riskHandling' | 'compliance' | 'canned'>;

/** Reads the reloadable files again, validated and checked against each other. */
export function loadContent(env: Env): KefuContent {
  const dir = fromRoot(env.NLU_DATA_DIR);
  const content = readContent(env, dir);
  checkCrossReferences(content, dir, env.CANNED_REPLIES_FILE);
  return content;
}

function readContent(env: Env, dir: string): KefuContent {
  return {
    corpus: { zh: loadJsonFile(`${dir}/corpus.zh.json`, CorpusFile), en: loadJsonFile(`${dir}/corpus.en.json`, CorpusFile) },
    answers: loadJsonFile(`${dir}/answers.json`, AnswersFile),
    menu: loadJsonFile(`${dir}/menu.json`, MenuFile),
    emotion: loadJsonFile(`${dir}/emotion.json`, EmotionLexiconFile),
    risk: loadJsonFile(`${dir}/risk.json`, RiskLexiconFile),
    riskCorpus: { zh: loadJsonFile(`${dir}/risk-corpus.zh.json`, riskCorpusFile('zh')), en: loadJsonFile(`${dir}/risk-corpus.en.json`, riskCorpusFile('en')) },
    riskHandling: loadJsonFile(`${dir}/risk-handling.json`, RiskHandlingFile),
    compliance: loadJsonFile(fromRoot(env.COMPLIANCE_FILE), ComplianceFile),
    canned: loadJsonFile(fromRoot(env.CANNED_REPLIES_FILE), CannedRepliesFile).replies,
  };
}

/**
 * In production, no agent may hold a demo token — recognised by its hash, wherever the file was
 * copied to (the demo tokens are printed in the README).
 */
function productionAgents(env: Env, agents: Agent[]): Agent[] {
  if (env.KEFU_MODE !== 'production') return agents;
  const demo = new Set(loadJsonFile(fromRoot(DEMO_AGENTS_FILE), AgentsFile).agents.map((a) => a.tokenSha256));
  const found = agents.filter((a) => demo.has(a.tokenSha256));
  if (found.length) {
    throw new ConfigError(
      `invalid configuration:\n${found.map((a) => `  environment variable AGENTS_FILE (${env.AGENTS_FILE}) → agent ${a.id}: has a public demo token; give it its own when KEFU_MODE=production`).join('\n')}`,
    );
  }
  return agents;
}

/** In production a webhook leaves the machine only over TLS (its body describes customers' cases). */
function productionWebhooks(env: Env, hooks: Webhook[]): Webhook[] {
  if (env.KEFU_MODE !== 'production') return hooks;
  const loopback = (url: string) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  const plain = hooks.map((h, i) => [h, i] as const).filter(([h]) => new URL(h.url).protocol !== 'https:' && !loopback(h.url));
  if (plain.length) {
    throw new ConfigError(
      `invalid configuration:\n${plain.map(([h, i]) => `  file ${env.WEBHOOKS_FILE ?? ''} → webhooks.${String(i)}.url: ${h.url} must be https when KEFU_MODE=production`).join('\n')}`,
    );
  }
  return hooks;
}

export function loadData(env: Env): KefuData {
  const dir = fromRoot(env.NLU_DATA_DIR);
  const data: KefuData = {
    ...readContent(env, dir),
    agents: productionAgents(env, loadJsonFile(fromRoot(env.AGENTS_FILE), AgentsFile).agents),
    routing: loadJsonFile(fromRoot(env.ROUTING_FILE), RoutingFile),
    webhooks: env.WEBHOOKS_FILE ? productionWebhooks(env, loadJsonFile(fromRoot(env.WEBHOOKS_FILE), WebhooksFile).webhooks) : [],
  };
  checkCrossReferences(data, dir, env.CANNED_REPLIES_FILE);
  return data;
}

/** Checks that span files: every intent can be answered, every quick reply leads somewhere. */
function checkCrossReferences(data: KefuContent, dir: string, cannedFile: string): void {
  const issues: string[] = [];
  const shown = relative(projectRoot, dir) || dir;
  if (data.corpus.zh.locale !== 'zh') issues.push(`  file ${shown}/corpus.zh.json → locale: expected "zh"`);
  if (data.corpus.en.locale !== 'en') issues.push(`  file ${shown}/corpus.en.json → locale: expected "en"`);
  const intents = new Set([...Object.keys(data.corpus.zh.intents), ...Object.keys(data.corpus.en.intents)]);
  intents.delete(NONE_INTENT);
  for (const intent of intents) {
    if (!Object.hasOwn(data.answers.intents, intent)) issues.push(`  file ${shown}/answers.json → intents.${intent}: missing (the corpus trains this intent)`);
  }
  for (const [key, intent] of Object.entries(data.menu.menuKeys ?? {})) {
    if (!data.menu.quickReplies.some((q) => q.intent === intent))
      issues.push(`  file ${shown}/menu.json → menuKeys.${key}: intent "${intent}" has no quick reply to route through`);
  }
  data.menu.quickReplies.forEach((q, i) => {
    if (!intents.has(q.intent)) issues.push(`  file ${shown}/menu.json → quickReplies.${i}.intent: "${q.intent}" is not an intent of the corpus`);
  });
  // An operator's edit must not put a forbidden phrase into an answer [001 三(三), 003 禁忌用語].
  const filter = new ComplianceFilter(data.compliance);
  const texts: Array<[string, string]> = [];
  for (const [intent, a] of Object.entries(data.answers.intents))
    texts.push([`answers.json → intents.${intent}.zh`, a.zh], [`answers.json → intents.${intent}.en`, a.en]);
  for (const [emotion, lists] of Object.entries(data.answers.empathy)) {
    for (const l of ['zh', 'en'] as const) lists[l].forEach((t, i) => texts.push([`answers.json → empathy.${emotion}.${l}.${i}`, t]));
  }
  for (const l of ['zh', 'en'] as const) {
    texts.push([`menu.json → greeting.${l}`, data.menu.greeting[l]], [`menu.json → nightApology.${l}`, data.menu.nightApology[l]]);
  }
  for (const [where, text] of new RiskHandling(data.riskHandling).texts()) texts.push([`risk-handling.json → ${where}`, text]);
  for (const [where, text] of texts) {
    const v = filter.check(text);
    if (v.length) issues.push(`  file ${shown}/${where}: contains "${v[0].match}", forbidden by compliance rule ${v[0].rule}`);
  }
  // A canned reply is sent as the agent's own words: it must pass the same check as a typed reply.
  data.canned.forEach((r, i) => {
    for (const [l, text] of Object.entries(r.text)) {
      const v = filter.check(text);
      if (v.length) issues.push(`  file ${cannedFile} → replies.${i}.text.${l}: contains "${v[0].match}", forbidden by compliance rule ${v[0].rule}`);
    }
  });
  if (issues.length) throw new ConfigError(`invalid configuration:\n${issues.join('\n')}`);
}
