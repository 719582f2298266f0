import { randomBytes } from 'node:crypto';
import {
  type Activity,
  CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MessageFactory, type Storage, type TurnContext,
} from 'botbuilder';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { loadProfile, type ConversationProfile } from '../dialogs/profile';
import { PROMPTS } from '../dialogs/prompts';
import { RootDialog } from '../dialogs/rootDialog';
import type { OrderService } from '../dialogs/orderService';
import { agentRouter } from '../handoff/agentApi';
import { AgentDirectory } from '../handoff/agents';
import { MemoryEventBus, RedisEventBus, type EventBus } from '../handoff/events';
import { HandoffManager } from '../handoff/handoffManager';
import { MemoryHandoffStore } from '../handoff/memoryStore';
import { RedisHandoffStore } from '../handoff/redisStore';
import type { HandoffStore } from '../handoff/store';
import { SurveyDialog } from '../dialogs/surveyDialog';
import { RiskScanner } from '../nlu/risk';
import { BotCustomerActions } from './customerActions';
import { CustomerLink } from './customerLink';
import { devInbox } from './devInbox';
import { pageRoutes } from './pages';
import { MemoryKeyValueStore, RedisKeyValueStore, type KeyValueStore } from './kv';
import { WeChatApi } from './wechat/apiClient';
import { weChatRouter, WeChatSink } from './wechat/channel';
import { WeChatCrypto } from './wechat/crypto';
import { MemoryActivityLog, RedisActivityLog, type ActivityLog } from './directLine/activityLog';
import { DirectLineSink, directLineRouter } from './directLine/router';
import { DirectLineCredentials } from './directLine/tokens';
import { HandoffMiddleware } from './handoffMiddleware';
import { HandoffWorker } from './handoffWorker';
import { RedisStorage } from './redisStorage';
import { LocalTurnLock, RedisTurnLock, type TurnLock } from './turnLock';
import { EmotionDetector } from '../nlu/emotion';
import { KnowledgeBase } from '../nlu/knowledgeBase';
import { normaliseLocale } from '../nlu/locale';
import { loadOrTrain, type LoadedClassifier } from '../nlu/modelCache';
import { KefuRecognizer, ModelNotReadyError } from '../nlu/recognizer';
import { IncomingActivity } from './activitySchema';
import { BoundedMemoryStorage } from './boundedMemoryStorage';
import { requireChannelSecret } from './channelAuth';
import { ComplianceFilter } from './compliance';
import { ComplianceMiddleware } from './complianceMiddleware';
import { DEV_USER_TOKEN_SECRET, loadContent, loadJsonFile, type Env, type KefuData } from './config';
import { ContentReloader, type ReloadOutcome } from './contentReload';
import type { Corpus } from '../nlu/corpus';
import { ConfigError } from './configError';
import { KefuBot } from './kefuBot';
import type { Logger } from './log';
import { DemoOrderService, DemoOrdersFile, resolveRelativeTimes } from './orders/demoOrderService';
import { HttpOrderService } from './orders/httpOrderService';
import { fromRoot } from './paths';

export interface KefuOverrides {
  clock?: () => Date;
  orders?: OrderService;
  storage?: Storage;
}

export interface Kefu {
  app: Express;
  recognizer: KefuRecognizer;
  handoff: HandoffManager;
  store: HandoffStore;
  events: EventBus;
  orders: OrderService;
  worker: HandoffWorker;
  /** Resolves once the NLU model is loaded (from the cache or trained). */
  ready: Promise<LoadedClassifier>;
  /** Stops the worker and releases connections. */
  close(): Promise<void>;
  kv: KeyValueStore;
  /** Runs one turn for an activity without HTTP (replies are discarded unless a sink takes them). */
  processActivity(activity: Partial<Activity>): Promise<void>;
  /** The Direct Line secret generated for this run (development mode without DIRECTLINE_SECRET). */
  directLineSecret?: string;
  /** Re-reads the operators' content files and retrains off the event loop (SIGHUP, POST /agent/v1/admin/reload). */
  reloadContent(): Promise<ReloadOutcome>;
}

/** How long three failed checks lock an order's phone-digit verification, across conversations. */
const VERIFY_LOCK_MS = 60 * 60 * 1000;

const ParseRequest = z
  .object({
    text: z.string().min(1, 'text must not be empty').max(2000, 'text longer than 2000 characters'),
    locale: z.string().max(32).optional().refine((l) => l === undefined || normaliseLocale(l) !== undefined, 'locale must be zh-CN or en'),
  })
  .strict();

/** The composition root: every collaborator is built here and passed down through constructors. */
export function createKefu(env: Env, data: KefuData, log: Logger, overrides: KefuOverrides = {}): Kefu {
  const clock = overrides.clock ?? (() => new Date());
  const kb = new KnowledgeBase(data.answers, data.menu);
  const emotion = new EmotionDetector(data.emotion);
  const recognizer = new KefuRecognizer({ threshold: env.NLU_THRESHOLD, emotion });
  const riskScanner = new RiskScanner(data.risk);
  const compliance = new ComplianceFilter(data.compliance);
  const orders = overrides.orders ?? createOrderService(env, clock());
  const agents = new AgentDirectory(data.agents);

  // One store for handoffs, events and conversation state: Redis when configured, else memory.
  let store: HandoffStore;
  let events: EventBus;
  let storage: Storage;
  let turnLock: TurnLock;
  let activityLog: ActivityLog;
  let kv: KeyValueStore;
  if (env.REDIS_URL) {
    const redisStore = new RedisHandoffStore({ url: env.REDIS_URL, namespace: env.REDIS_NAMESPACE, ttlSeconds: env.STATE_TTL_SECONDS, transcriptEntries: env.TRANSCRIPT_MAX_ENTRIES, closedRetentionSeconds: env.HANDOFF_RETENTION_DAYS * 86400 });
    redisStore.redis.on('error', (err: Error) => log.warn('redis connection error', { error: err.message }));
    store = redisStore;
    events = new RedisEventBus(redisStore.redis, redisStore.keys.events, (err) => log.warn('event bus', { error: String(err) }));
    storage = overrides.storage ?? new RedisStorage(redisStore.redis, redisStore.keys, env.STATE_TTL_SECONDS);
    turnLock = new RedisTurnLock(redisStore.redis, redisStore.keys);
    activityLog = new RedisActivityLog(redisStore.redis, env.REDIS_NAMESPACE, env.STATE_TTL_SECONDS);
    kv = new RedisKeyValueStore(redisStore.redis, env.REDIS_NAMESPACE);
  } else {
    kv = new MemoryKeyValueStore();
    activityLog = new MemoryActivityLog(env.STATE_MAX_CONVERSATIONS);
    store = new MemoryHandoffStore({ transcriptEntries: env.TRANSCRIPT_MAX_ENTRIES, conversations: env.STATE_MAX_CONVERSATIONS });
    events = new MemoryEventBus();
    storage = overrides.storage ?? new BoundedMemoryStorage(env.STATE_MAX_CONVERSATIONS, env.STATE_TTL_SECONDS * 1000);
    turnLock = new LocalTurnLock();
  }
  const manager = new HandoffManager({ store, events, agents, routing: data.routing, orders, clock });

  const conversationState = new ConversationState(storage);
  const profile = conversationState.createProperty<ConversationProfile>('profile');
  const attempts = {
    failures: async (orderId: string) => Number((await kv.get(`verify-fail:${orderId}`)) ?? 0),
    recordFailure: (orderId: string) => kv.increment(`verify-fail:${orderId}`, VERIFY_LOCK_MS),
  };
  const dialogDeps = { kb, orders, handoff: manager, surveys: manager, profile, attempts };
  const rootDialog = new RootDialog(dialogDeps, { humanThreshold: Math.max(env.NLU_THRESHOLD, 0.6), topicSwitchThreshold: 0.85 });
  const bot = new KefuBot({
    conversationState, profile, recognizer, rootDialog, surveyDialog: new SurveyDialog(dialogDeps), kb, clock,
    userTokenSecret: env.USER_TOKEN_SECRET ?? DEV_USER_TOKEN_SECRET,
  });

  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: env.MICROSOFT_APP_ID,
    MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD,
    MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID,
    MicrosoftAppType: env.MICROSOFT_APP_TYPE,
  }));
  // Order matters: the handoff gate sees the customer's message before the bot; compliance sees every reply last.
  adapter.use(new ComplianceMiddleware(compliance, log));
  adapter.use(new HandoffMiddleware({ store, manager, events, risk: riskScanner, profile, timeoutMs: env.HANDOFF_TIMEOUT_MS, clock, log }));
  adapter.use(new DirectLineSink(activityLog, clock));
  const wechatApis = createWeChatApis(env, kv, log);
  adapter.use(new WeChatSink(wechatApis, kv, log, async (conversationId, code, message) => {
    // Surfaced to the agent side, never dropped; a customer WeChat can no longer reach gets a callback.
    const h = await store.openFor(conversationId);
    const at = clock().toISOString();
    await events.publish({ type: 'delivery.failed', handoffId: h?.id ?? '', conversationId, agentId: h?.assignedTo, code, message, at });
    if (h && code === 'outside_48h_window' && (h.status === 'queued' || h.status === 'assigned')) {
      const cb = await store.toCallback(h.id, clock().getTime());
      if (cb.ok) await events.publish({ type: 'handoff.callback', handoffId: h.id, conversationId, at });
    }
  }));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error('turn failed', { conversation: context.activity.conversation?.id, error: error.stack ?? error.message });
    // Drop the broken dialog stack so the next message starts clean, and offer a person.
    const locale = (await loadProfile(profile, context, normaliseLocale(context.activity.locale) ?? 'zh-CN').catch(() => undefined))?.locale ?? 'zh-CN';
    await conversationState.delete(context).catch(() => undefined);
    await context.sendActivity(MessageFactory.suggestedActions([locale === 'en' ? 'Talk to a person' : '转人工'], PROMPTS[locale].turnError));
  };

  const link = new CustomerLink(adapter, env.MICROSOFT_APP_ID ?? '');
  const worker = new HandoffWorker({ store, manager, events, link, storage, routing: data.routing, clock, log, pollMs: env.HANDOFF_POLL_MS });
  worker.start();

  const trainModel = (corpus: Corpus) => loadOrTrain(corpus, { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT }, env.NLU_MODEL_CACHE_DIR ? fromRoot(env.NLU_MODEL_CACHE_DIR) : undefined, (m) => log.warn(m));
  const ready = trainModel(data.corpus)
    .then((loaded) => {
      recognizer.useClassifier(loaded.classifier);
      return loaded;
    });
  const reloader = new ContentReloader({ load: () => loadContent(env), startup: ready, train: trainModel, recognizer, kb, risk: riskScanner, emotion, compliance, log });
  ready.catch((err: unknown) => log.error('NLU model failed to load', { error: String(err) }));

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: env.MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = { model: recognizer.ready, store: await store.ping() };
    res.status(checks.model && checks.store ? 200 : 503).json({ ready: checks.model && checks.store, checks });
  });

  app.post('/api/nlu/parse', requireJson, async (req, res) => {
    const body = ParseRequest.safeParse(req.body);
    if (!body.success) return badRequest(res, body.error);
    if (!recognizer.ready) return notReady(res);
    const locale = normaliseLocale(body.data.locale);
    const result = await recognizer.recognize(body.data.text, locale ? { locale } : {});
    res.json({ ...result, risk: riskScanner.scan(body.data.text) });
  });

  const messageGuards = env.KEFU_MODE === 'production' && !env.MICROSOFT_APP_ID && env.BOT_CHANNEL_SECRET
    ? [requireChannelSecret(env.BOT_CHANNEL_SECRET)]
    : [];
  app.post('/api/messages', ...messageGuards, requireJson, async (req, res) => {
    const activity = IncomingActivity.safeParse(req.body);
    if (!activity.success) return badRequest(res, activity.error);
    const allow = env.SERVICE_URL_ALLOWLIST;
    if (allow && !allow.some((prefix) => activity.data.serviceUrl.startsWith(prefix))) {
      res.status(403).json({ error: { code: 'service_url_not_allowed', message: 'serviceUrl is not in SERVICE_URL_ALLOWLIST' } });
      return;
    }
    if (!recognizer.ready) return notReady(res);
    // The lock covers the whole turn, the handoff gate included: with several instances a message
    // racing a handoff must see it (or be seen by it), never slip past it to the bot.
    await turnLock.run(activity.data.conversation.id, () => adapter.process(req, res, (context) => bot.run(context)));
  });

  if (env.KEFU_MODE === 'development') app.use('/dev/inbox', devInbox());
  // Direct Line: with the configured secret, or — on the embedded default — one generated now.
  const directLineSecret = env.DIRECTLINE_SECRET ?? (env.KEFU_MODE === 'development' ? randomBytes(24).toString('base64url') : undefined);
  const directLine = directLineSecret ? new DirectLineCredentials(directLineSecret, env.DIRECTLINE_TOKEN_TTL_SECONDS) : undefined;
  if (directLine) {
    app.use('/v3/directline', directLineRouter({
      credentials: directLine, log: activityLog, clock,
      runTurn: (activity) => runChannelTurn(activity),
    }));
  }
  const runChannelTurn = (activity: Partial<Activity>) => turnLock.run(activity.conversation?.id ?? '', () => adapter.processActivityDirect('', activity as Activity, (context) => bot.run(context)));
  for (const kind of ['wechat', 'wecom'] as const) {
    const api = wechatApis[kind];
    const settings = weChatSettings(env, kind);
    if (!api || !settings) continue;
    app.use(`/channels/${kind}`, weChatRouter({
      kind, ...settings, replayWindowS: env.WECHAT_REPLAY_WINDOW_S, replyMarginMs: env.WECHAT_REPLY_MARGIN_MS, kv, api, kb, log, clock, runTurn: runChannelTurn,
    }));
  }
  app.use(pageRoutes({
    webchatPublic: env.KEFU_MODE === 'development' || env.WEBCHAT_PUBLIC,
    issueChatToken: directLine ? (userId) => {
      const conversationId = DirectLineCredentials.newConversationId();
      return { conversationId, ...directLine.issue(conversationId, userId, clock()) };
    } : undefined,
  }));
  const assist = async (text: string, locale: 'zh-CN' | 'en') => {
    if (!recognizer.ready) return [];
    const nlu = await recognizer.recognize(text, { locale });
    return nlu.alternatives
      .filter((a) => a.score >= 0.1 && !['greet', 'goodbye', 'thanks', 'human_agent'].includes(a.intent))
      .flatMap((a) => {
        const answer = kb.answer(a.intent, locale);
        return answer ? [{ intent: a.intent, score: Math.round(a.score * 1000) / 1000, answer }] : [];
      });
  };
  app.use('/agent/v1', agentRouter({ assist, manager, store, agents, events, clock, reloadContent: () => reloader.reload(), customer: new BotCustomerActions(link, bot, store, events, compliance, clock) }));

  app.get('/', (_req, res) => {
    // The first thing to try: the customer web chat.
    res.redirect(302, '/chat');
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
  });
  app.use(errorHandler(log));

  const close = async () => {
    worker.stop();
    await events.dispose();
    await store.dispose();
  };
  return { app, recognizer, handoff: manager, store, events, orders, worker, ready, close, kv, processActivity: runChannelTurn, directLineSecret: env.DIRECTLINE_SECRET ? undefined : directLineSecret, reloadContent: () => reloader.reload() };
}

function createWeChatApis(env: Env, kv: KeyValueStore, log: Logger): Partial<Record<'wechat' | 'wecom', WeChatApi>> {
  const apis: Partial<Record<'wechat' | 'wecom', WeChatApi>> = {};
  if (env.WECHAT_APPID && env.WECHAT_APPSECRET && env.WECHAT_TOKEN) {
    apis.wechat = new WeChatApi({ kind: 'wechat', baseUrl: env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com', id: env.WECHAT_APPID, secret: env.WECHAT_APPSECRET, kv, log });
  }
  if (env.WECOM_CORPID && env.WECOM_SECRET && env.WECOM_AGENTID && env.WECOM_TOKEN && env.WECOM_ENCODING_AES_KEY) {
    apis.wecom = new WeChatApi({ kind: 'wecom', baseUrl: env.WECOM_API_BASE ?? env.WECHAT_API_BASE ?? 'https://qyapi.weixin.qq.com', id: env.WECOM_CORPID, secret: env.WECOM_SECRET, agentId: env.WECOM_AGENTID, kv, log });
  }
  return apis;
}

function weChatSettings(env: Env, kind: 'wechat' | 'wecom'): { token: string; receiveId: string; crypto?: WeChatCrypto } | undefined {
  const keys = (current?: string, previous?: string) => [current, previous].filter((k): k is string => Boolean(k));
  if (kind === 'wechat') {
    if (!env.WECHAT_TOKEN || !env.WECHAT_APPID) return undefined;
    const k = keys(env.WECHAT_ENCODING_AES_KEY, env.WECHAT_ENCODING_AES_KEY_PREVIOUS);
    return { token: env.WECHAT_TOKEN, receiveId: env.WECHAT_APPID, crypto: k.length ? new WeChatCrypto(k, env.WECHAT_APPID) : undefined };
  }
  if (!env.WECOM_TOKEN || !env.WECOM_CORPID || !env.WECOM_ENCODING_AES_KEY) return undefined;
  return { token: env.WECOM_TOKEN, receiveId: env.WECOM_CORPID, crypto: new WeChatCrypto(keys(env.WECOM_ENCODING_AES_KEY, env.WECOM_ENCODING_AES_KEY_PREVIOUS), env.WECOM_CORPID) };
}

function createOrderService(env: Env, now: Date): OrderService {
  if (env.ORDER_SERVICE_URL) {
    return new HttpOrderService({ baseUrl: env.ORDER_SERVICE_URL, timeoutMs: env.ORDER_SERVICE_TIMEOUT_MS, token: env.ORDER_SERVICE_TOKEN });
  }
  const file = fromRoot(env.DEMO_ORDERS_FILE);
  const raw = loadJsonFile(file, z.unknown());
  const parsed = DemoOrdersFile.safeParse(resolveRelativeTimes(raw, now));
  if (!parsed.success) throw ConfigError.fromZod(`file ${env.DEMO_ORDERS_FILE}`, parsed.error);
  return new DemoOrderService(parsed.data.orders);
}

function requireJson(req: Request, res: Response, next: () => void): void {
  if (!req.is(['application/json', 'application/*+json'])) {
    res.status(415).json({ error: { code: 'unsupported_media_type', message: 'send the body as JSON (Content-Type: application/json)' } });
    return;
  }
  next();
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: {
      code: 'invalid_body',
      message: error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; '),
    },
  });
}

function notReady(res: Response): void {
  res.status(503).setHeader('Retry-After', '5').json({ error: { code: 'not_ready', message: 'the NLU model is still loading; retry shortly' } });
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = e.type === 'entity.parse.failed' ? 'malformed_json' : e.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
      const message = code === 'malformed_json' ? 'the body is not valid JSON' : code === 'payload_too_large' ? 'the body is larger than MAX_BODY_BYTES' : (e.message ?? 'bad request');
      res.status(status).json({ error: { code, message } });
      return;
    }
    if (err instanceof ModelNotReadyError) {
      notReady(res);
      return;
    }
    log.error('request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    if (!res.headersSent) res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
