import { randomBytes } from 'node:crypto';
import { type Activity, ConfigurationBotFrameworkAuthentication, MessageFactory, type Storage, TurnContext } from 'botbuilder';
import express, { type Express } from 'express';
import { loadProfile, type ConversationProfile } from '../dialogs/profile';
import { stateProperty } from '../dialogs/stateProperty';
import { markAgentHub } from '../dialogs/turnInfo';
import { PROMPTS } from '../dialogs/prompts';
import { RootDialog } from '../dialogs/rootDialog';
import { SurveyDialog } from '../dialogs/surveyDialog';
import { agentRouter } from '../handoff/agentApi';
import { AgentDirectory } from '../handoff/agents';
import { HandoffDesk } from '../handoff/desk';
import { HandoffEngine } from '../handoff/engine';
import type { EventBus } from '../handoff/events';
import type { HandoffStore, StoredReference } from '../handoff/store';
import { createBackend } from '../infra/backend';
import type { KeyValueStore } from '../infra/kv';
import { CannedLibrary } from '../handoff/cannedReplies';
import { KvOwnCannedReplies } from './kvOwnCannedReplies';
import { KvViewers } from './kvViewers';
import { AttachmentStore } from './directLine/uploads';
import { KefuAdapter } from './kefuAdapter';
import { ReusedClientsAuthentication } from './reusedClients';
import { openApiDocument } from './http/openapi';
import { requestLog } from './http/requestLog';
import { withEventLog } from '../handoff/loggedEvents';
import { storeOutbox, WebhookSender, withWebhooks } from './webhookSender';
import { FencedConversationState, isFencedOut } from '../infra/fencedConversationState';
import { normaliseLocale } from '../kernel/locale';
import type { Logger } from '../kernel/log';
import { KefuError } from '../kernel/errors';
import { fromRoot } from '../kernel/paths';
import type { Corpus } from '../nlu/corpus';
import { EmotionDetector } from '../nlu/emotion';
import { RiskHandling } from '../dialogs/riskHandling';
import { KnowledgeBase } from '../nlu/knowledgeBase';
import { loadOrTrain, type LoadedClassifier } from '../nlu/modelCache';
import { KefuRecognizer } from '../nlu/recognizer';
import { RiskScanner } from '../nlu/risk';
import { loadOrTrainRisk } from '../nlu/riskModelCache';
import type { OrderService } from '../orders/orderService';
import { agentAssist } from './agentAssist';
import { requireChannelSecret, secretsEqual } from './channelAuth';
import { ComplianceFilter } from './compliance';
import { ComplianceMiddleware } from './complianceMiddleware';
import { DEV_USER_TOKEN_SECRET, directLineOrigins, loadContent, type Env, type KefuContent, type KefuData } from './config';
import { ContentReloader, type ReloadOutcome } from './contentReload';
import { BotCustomerActions } from './customerActions';
import { CustomerLink } from './customerLink';
import { devInbox } from './devInbox';
import { DirectLineSink, directLineRouter } from './directLine/router';
import { DirectLineCredentials } from './directLine/tokens';
import { DirectLineStreams } from './directLine/stream';
import { EarlyRecords } from './earlyRecord';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HandoffMiddleware } from './handoffMiddleware';
import { HandoffWorker } from './handoffWorker';
import { healthRoutes } from './http/health';
import { Drain } from './http/drain';
import { EventStreams } from '../handoff/eventStreams';
import { messagesRoute } from './http/messages';
import { errorHandler, limitJsonDepth, notFound } from './http/middleware';
import { jsonBody } from './http/jsonBody';
import { byIp, rateLimit } from './http/rateLimit';
import { nluParseRoute } from './http/nluParse';
import { KefuBot } from './kefuBot';
import { KvStreamTickets } from './streamTickets';
import { Metrics } from './metrics';
import { KvIdempotencyStore } from './idempotencyStore';
import { createOrderService } from './orderServiceFactory';
import { pageRoutes } from './pages';
import { verificationAttempts } from './verificationAttempts';
import { WeChatSink } from './wechat/channel';
import { createWeChatApis, mountWeChat } from './wechat/setup';

/** Uploaded files live as long as the Direct Line activity log that points at them. */
const ATTACHMENT_TTL_MS = 24 * 3600 * 1000;

export interface KefuOverrides {
  clock?: () => Date;
  orders?: OrderService;
  storage?: Storage;
}

/** The window of the failed agent sign-in limit. */
const AUTH_WINDOW_MS = 10 * 60_000;

export interface Kefu {
  app: Express;
  /** Graceful shutdown: refuse new requests, then wait for those in flight. */
  drain: Drain;
  /** Ends the agents' event streams with a reconnect hint, and Direct Line's WebSocket streams (shutdown). */
  closeStreams(retryMs: number): void;
  /** An HTTP upgrade (Direct Line's WebSocket stream); false when it is not one kefu serves. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  recognizer: KefuRecognizer;
  desk: HandoffDesk;
  /** For tests and benchmarks that inspect what was stored. */
  store: HandoffStore;
  events: EventBus;
  orders: OrderService;
  worker: HandoffWorker;
  /** Resolves once the NLU model is loaded (from the cache or trained). */
  ready: Promise<LoadedClassifier>;
  /** Resolves to a problem with the backend found at start-up (e.g. Redis may evict keys). */
  checkBackend(): Promise<string | undefined>;
  /** Risks of the backend worth a warning at start-up. */
  backendWarnings(): Promise<string[]>;
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

/** The composition root: every collaborator is built here and passed down through constructors. Nothing else. */
export function createKefu(env: Env, data: KefuData, log: Logger, overrides: KefuOverrides = {}): Kefu {
  const clock = overrides.clock ?? (() => new Date());
  const kb = new KnowledgeBase(data.answers, data.menu);
  const emotion = new EmotionDetector(data.emotion);
  // Metrics need the store, which is built below; what is observed before then goes through this.
  const late: { metrics?: Metrics } = {};
  const recognizer = new KefuRecognizer({ threshold: env.NLU_THRESHOLD, emotion, observe: (result, seconds) => late.metrics?.nlu(result, seconds) });
  const riskScanner = new RiskScanner(data.risk);
  const riskHandling = new RiskHandling(data.riskHandling);
  const compliance = new ComplianceFilter(data.compliance);
  const canned = new CannedLibrary(data.canned);
  const orders = overrides.orders ?? createOrderService(env, clock());
  const agents = new AgentDirectory(data.agents);

  const backend = createBackend(env, {
    storage: overrides.storage,
    onError: (context, err) => {
      log.warn(context, { error: String(err) });
      late.metrics?.storeError(context);
    },
  });
  const { store, storage, turnLock, activityLog, kv } = backend;
  const metrics = new Metrics(store, kv);
  late.metrics = metrics;
  const events = metrics.events(withWebhooks(withEventLog(backend.events, log), data.webhooks, storeOutbox(store), clock));
  const webhookSender = new WebhookSender({ hooks: data.webhooks, outbox: storeOutbox(store), clock, log, pollMs: 250 });
  const engine = new HandoffEngine({ store, events, agents, routing: data.routing, orders, clock });
  const desk = new HandoffDesk({ store, events, engine, agents, routing: data.routing, clock });

  const conversationState = new FencedConversationState(storage);
  const profile = stateProperty<ConversationProfile>(conversationState, 'profile');
  const handoffs = metrics.timedHandoffs(desk);
  const dialogDeps = { kb, orders, handoff: handoffs, surveys: desk, profile, attempts: verificationAttempts(kv) };
  const rootDialog = new RootDialog(dialogDeps, {
    humanThreshold: Math.max(env.NLU_THRESHOLD, 0.6),
    topicSwitchThreshold: 0.85,
    promptTopicSwitchThreshold: 0.35,
  });
  const bot = new KefuBot({
    conversationState,
    profile,
    recognizer,
    rootDialog,
    surveyDialog: new SurveyDialog(dialogDeps),
    kb,
    clock,
    userTokenSecret: env.USER_TOKEN_SECRET ?? DEV_USER_TOKEN_SECRET,
    userTokenMaxLifetimeMs: env.USER_TOKEN_MAX_LIFETIME_SECONDS * 1000,
    onConversationStart: (channel) => metrics.conversationStarted(channel),
    bindUserToken: async (tokenKey, conversationId, ttlMs) =>
      (await kv.setIfAbsent(`utoken:${tokenKey}`, conversationId, Math.max(1000, ttlMs))) || (await kv.get(`utoken:${tokenKey}`)) === conversationId,
  });

  const adapter = new KefuAdapter(
    new ReusedClientsAuthentication(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: env.MICROSOFT_APP_ID,
        MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD,
        MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID,
        MicrosoftAppType: env.MICROSOFT_APP_TYPE,
      }),
    ),
  );
  // Order matters: the handoff gate sees the customer's message before the bot; compliance sees every reply last.
  // Only a listed agent hub may receive the context packet; a customer's own client never does.
  const agentHubs = new Set(env.AGENT_HUB_CHANNELS);
  adapter.use(async (context, next) => {
    markAgentHub(context, agentHubs.has(context.activity.channelId));
    await next();
  });
  adapter.use(metrics.adapterMiddleware());
  adapter.use(new ComplianceMiddleware(compliance, log));
  const early = new EarlyRecords(desk);
  adapter.use(
    new HandoffMiddleware({ desk, handoffs, recognizer, risk: riskScanner, riskHandling, profile, kv, early, timeoutMs: env.HANDOFF_TIMEOUT_MS, clock, log }),
  );
  // kefu's own channels receive what every middleware sent, as the adapter's last step (bot/kefuAdapter.ts).
  adapter.addSink(new DirectLineSink(activityLog, clock));
  const wechatApis = createWeChatApis(env, kv, log);
  adapter.addSink(new WeChatSink(wechatApis, kv, log, (conversationId, code, message) => desk.deliveryFailed(conversationId, code, message)));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Redis did not answer: no apology that promises "your message was not lost" — the request fails
    // with 503 + Retry-After and the channel sends it again.
    if (backend.isUnavailable(error)) throw new KefuError('store_unavailable', error.message);
    // Fenced out: this turn outlived its lock and a later turn wrote the state. Keep the newer state
    // (no reset) and let the channel resend the message, which then runs on it.
    if (isFencedOut(error)) {
      log.warn('a turn outlived its turn lock; its state write was refused', { conversation: context.activity.conversation.id });
      throw new KefuError('store_unavailable', 'the conversation moved on while this turn ran; send the message again');
    }
    log.error('turn failed', { conversation: context.activity.conversation.id, error: error.stack ?? error.message });
    // Drop the broken dialog stack so the next message starts clean, and offer a person.
    const locale = (await loadProfile(profile, context, normaliseLocale(context.activity.locale) ?? 'zh-CN').catch(() => undefined))?.locale ?? 'zh-CN';
    await conversationState.delete(context).catch(() => undefined);
    await context.sendActivity(MessageFactory.suggestedActions([locale === 'en' ? 'Talk to a person' : '转人工'], PROMPTS[locale].turnError));
  };

  const link = new CustomerLink(adapter, env.MICROSOFT_APP_ID ?? '', turnLock);
  desk.connectCustomer(new BotCustomerActions(link, bot, compliance, riskHandling));
  const worker = new HandoffWorker({
    desk,
    link,
    storage,
    clock,
    log,
    pollMs: env.HANDOFF_POLL_MS,
    sweepMs: data.routing.dispatch.sweepEvery,
    pauseAfterTakeMs: env.KEFU_FAILPOINT_DEADLINE_PAUSE_MS,
  });
  worker.start();
  webhookSender.start();

  const trainModel = (corpus: Corpus) =>
    loadOrTrain(
      corpus,
      { zhFeatures: env.NLU_ZH_FEATURES, linearWeight: env.NLU_LINEAR_WEIGHT },
      env.NLU_MODEL_CACHE_DIR ? fromRoot(env.NLU_MODEL_CACHE_DIR) : undefined,
      (m) => log.warn(m),
    );
  const ready = trainModel(data.corpus).then((loaded) => {
    recognizer.useClassifier(loaded.classifier);
    return loaded;
  });
  const trainRisk = (c: Pick<KefuContent, 'riskCorpus' | 'risk' | 'corpus'>) =>
    loadOrTrainRisk(
      { corpus: c.riskCorpus, lexicon: c.risk, intents: c.corpus },
      env.NLU_MODEL_CACHE_DIR ? fromRoot(env.NLU_MODEL_CACHE_DIR) : undefined,
      (m) => log.warn(m),
    );
  // Until the risk model is ready the operator's lexicon and the topic intent scan alone.
  const riskReady = trainRisk(data).then((loaded) => {
    riskScanner.useModel(loaded.model);
    return loaded;
  });
  riskReady.catch((err: unknown) => log.error('risk model failed to load; lexicon and intent still scan', { error: String(err) }));
  // An instance takes customers once it can read risk as well as intent: the risk model loaded, or
  // failed to (then the lexicon and intent scan alone, logged above).
  let riskSettled = false;
  const riskDone = riskReady.then(
    () => (riskSettled = true),
    () => (riskSettled = true),
  );
  const modelsReady = () => recognizer.ready && riskSettled;
  const reloader = new ContentReloader({
    load: () => loadContent(env),
    startup: Promise.all([ready, riskReady]),
    train: trainModel,
    trainRisk,
    recognizer,
    kb,
    risk: riskScanner,
    emotion,
    riskHandling,
    compliance,
    canned,
    log,
  });
  ready.catch((err: unknown) => log.error('NLU model failed to load', { error: String(err) }));

  const recordEarly = (activity: Partial<Activity>) =>
    activity.conversation?.id
      ? early.record(
          { ...activity, type: activity.type ?? '', conversation: { id: activity.conversation.id } },
          TurnContext.getConversationReference(activity) as StoredReference,
        )
      : Promise.resolve();
  const runChannelTurn = (activity: Partial<Activity>) =>
    turnLock.run(
      activity.conversation?.id ?? '',
      () => adapter.processActivityDirect('', activity as Activity, (context) => bot.run(context)),
      () => recordEarly(activity),
    );
  // Direct Line: with the configured secret, or — on the embedded default — one generated now.
  const directLineSecret = env.DIRECTLINE_SECRET ?? (env.KEFU_MODE === 'development' ? randomBytes(24).toString('base64url') : undefined);
  const directLine = directLineSecret ? new DirectLineCredentials(directLineSecret, env.DIRECTLINE_TOKEN_TTL_SECONDS) : undefined;

  const app = express();
  app.disable('x-powered-by');
  // No ETag on API replies: express hashes every body (POSTs too) for a 304 that API clients never ask for;
  // static files keep theirs (serve-static's own).
  app.set('etag', false);
  app.use(requestLog(log));
  // Draining (after SIGTERM) refuses new work before anything else is read.
  const drain = new Drain();
  const streams = new EventStreams();
  app.use(drain.middleware(['/agent/v1/events']));
  app.use(metrics.middleware());
  app.use(jsonBody(env.MAX_BODY_BYTES));
  app.use(limitJsonDepth);
  // Rate limits, counted across instances (the shared kv): per address everywhere a customer or a
  // stranger can reach, per conversation on messages, tighter on token endpoints.
  const minute = 60_000;
  const conversationOf = (req: express.Request): string | undefined => {
    const body = req.body as { conversation?: { id?: unknown } } | undefined;
    return typeof body?.conversation?.id === 'string' ? body.conversation.id : undefined;
  };
  app.use(
    '/api/messages',
    rateLimit(kv, [
      { name: 'messages per address', limit: env.RATE_LIMIT_IP_PER_MINUTE, windowMs: minute, key: byIp },
      { name: 'messages per conversation', limit: env.RATE_LIMIT_CONVERSATION_PER_MINUTE, windowMs: minute, key: conversationOf },
    ]),
  );
  // The hot path first: a customer's message passes no other route's layer on its way in.
  app.use(
    messagesRoute({
      adapter,
      turnLock,
      runBot: (context) => bot.run(context),
      recordEarly: (activity) => recordEarly(activity as unknown as Partial<Activity>),
      modelReady: modelsReady,
      serviceUrlAllowlist: env.SERVICE_URL_ALLOWLIST,
      guards: env.KEFU_MODE === 'production' && !env.MICROSOFT_APP_ID && env.BOT_CHANNEL_SECRET ? [requireChannelSecret(env.BOT_CHANNEL_SECRET)] : [],
    }),
  );
  app.use(healthRoutes({ model: modelsReady, store: () => store.ping(), draining: () => drain.isDraining }));
  app.use(metrics.route(env.METRICS_TOKEN));
  app.use('/api/nlu/parse', rateLimit(kv, [{ name: 'nlu per address', limit: env.RATE_LIMIT_IP_PER_MINUTE, windowMs: minute, key: byIp }]));
  const tokenLimit = rateLimit(kv, [{ name: 'tokens per address', limit: env.RATE_LIMIT_TOKENS_PER_HOUR, windowMs: 60 * minute, key: byIp }]);
  app.use('/chat/token', tokenLimit);
  app.use('/v3/directline/tokens/generate', tokenLimit);
  app.post('/v3/directline/conversations', tokenLimit);
  app.use('/v3/directline', rateLimit(kv, [{ name: 'direct line per address', limit: env.RATE_LIMIT_IP_PER_MINUTE, windowMs: minute, key: byIp }]));
  const channelSecret = env.BOT_CHANNEL_SECRET;
  app.use(
    nluParseRoute(
      recognizer,
      riskScanner,
      env.KEFU_MODE === 'production'
        ? (bearer) => (channelSecret !== undefined && secretsEqual(bearer, channelSecret)) || agents.authenticate(bearer) !== undefined
        : undefined,
    ),
  );
  if (env.KEFU_MODE === 'development') app.use('/dev/inbox', devInbox());
  if (directLine) {
    app.use(
      '/v3/directline',
      directLineRouter({
        credentials: directLine,
        corsOrigins: directLineOrigins(env),
        log: activityLog,
        clock,
        runTurn: runChannelTurn,
        attachments: new AttachmentStore(kv, ATTACHMENT_TTL_MS),
        maxUploadBytes: env.UPLOAD_MAX_BYTES,
      }),
    );
  }
  const directLineStreams = directLine ? new DirectLineStreams({ credentials: directLine, log: activityLog, clock }) : undefined;
  mountWeChat(app, env, { apis: wechatApis, kv, kb, log, clock, runTurn: runChannelTurn, onRetry: (kind, outcome) => metrics.wechatRetry(kind, outcome) });
  app.use(
    pageRoutes({
      webchatPublic: env.KEFU_MODE === 'development' || env.WEBCHAT_PUBLIC,
      issueChatToken: directLine
        ? (userId) => {
            const conversationId = DirectLineCredentials.newConversationId();
            return { conversationId, ...directLine.issue(conversationId, userId, clock()) };
          }
        : undefined,
    }),
  );
  // The API's own description, public like any API reference: no data in it, only shapes.
  const openApi = openApiDocument();
  app.get('/agent/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(
    '/agent/v1',
    agentRouter({
      assist: agentAssist(recognizer, kb),
      desk,
      agents,
      clock,
      streamTickets: new KvStreamTickets(kv),
      streams,
      idempotency: new KvIdempotencyStore(kv),
      authGuard: {
        wait: async (address) => {
          const window = Math.floor(Date.now() / AUTH_WINDOW_MS);
          const failures = Number((await kv.get(`authfail:${address}:${String(window)}`)) ?? '0');
          return failures >= env.RATE_LIMIT_AUTH_FAILURES ? Math.ceil(((window + 1) * AUTH_WINDOW_MS - Date.now()) / 1000) : 0;
        },
        failed: async (address) => {
          await kv.increment(`authfail:${address}:${String(Math.floor(Date.now() / AUTH_WINDOW_MS))}`, AUTH_WINDOW_MS);
        },
      },
      reloadContent: () => reloader.reload(),
      canned,
      ownCanned: new KvOwnCannedReplies(kv),
      viewers: new KvViewers(kv),
    }),
  );
  app.get('/', (_req, res) => {
    res.redirect(302, '/chat'); // the first thing to try: the customer web chat
  });
  app.use(notFound);
  app.use(errorHandler(log, (err) => backend.isUnavailable(err)));

  const close = async () => {
    worker.stop();
    webhookSender.stop();
    directLineStreams?.close();
    await backend.close();
  };
  return {
    app,
    drain,
    closeStreams: (retryMs: number) => {
      streams.closeAll(retryMs);
      directLineStreams?.close();
    },
    upgrade: (req, socket, head) => directLineStreams?.handleUpgrade(req, socket, head) ?? false,
    recognizer,
    desk,
    store,
    events,
    orders,
    worker,
    ready: riskDone.then(() => ready),
    close,
    kv,
    checkBackend: () => backend.check(),
    backendWarnings: () => backend.warnings(),
    processActivity: runChannelTurn,
    directLineSecret: env.DIRECTLINE_SECRET ? undefined : directLineSecret,
    reloadContent: () => reloader.reload(),
  };
}
