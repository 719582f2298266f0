import { maskPersonalData } from '../../kernel/pii';
import { randomUUID } from 'node:crypto';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';
import type { OutboundSink } from '../kefuAdapter';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ActivityLog } from '../../infra/activityLog';
import { formatZodIssues } from '../../kernel/errors';
import { sendError } from '../../kernel/http';
import { streamUrlFor } from './stream';
import { DirectLineCredentials, type DirectLineAuth } from './tokens';
import { parseUpload, type AttachmentStore } from './uploads';

export const DIRECT_LINE_CHANNEL = 'directline';
const BOT = { id: 'kefu', name: 'kefu', role: 'bot' };
/** Never called: replies on Direct Line conversations are captured by DirectLineSink before they leave. */
const SERVICE_URL = 'https://directline.kefu.invalid/';

const Account = z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }).loose();
const ClientActivity = z
  .object({
    type: z.enum(['message', 'event', 'typing', 'conversationUpdate', 'messageReaction']),
    from: Account,
    text: z.string().max(4000).optional(),
    locale: z.string().max(32).optional(),
    name: z.string().max(128).optional(),
    value: z.unknown().optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z
      .array(z.object({ contentType: z.string(), contentUrl: z.string().optional(), name: z.string().optional() }).loose())
      .max(10)
      .optional(),
  })
  .loose();
const TokenRequest = z.object({ user: Account.optional() }).loose();

export interface DirectLineDeps {
  credentials: DirectLineCredentials;
  /** Origins whose pages may call Direct Line (CORS): ['*'] for any — tokens, not cookies, carry the authority. */
  corsOrigins: readonly string[];
  log: ActivityLog;
  clock: () => Date;
  /** Runs one bot turn for the activity (serialised per conversation by the caller). */
  runTurn(activity: Partial<Activity>): Promise<void>;
  /** Where uploaded files are kept, and the largest accepted (bytes). */
  attachments: AttachmentStore;
  maxUploadBytes: number;
}

/**
 * Outbound side: on Direct Line conversations, whatever the bot or an agent sends is appended to the
 * conversation's activity log (shared through Redis when configured), where clients poll for it.
 * Registered last, so compliance and the transcript see each activity first.
 */
export class DirectLineSink implements OutboundSink {
  constructor(
    private readonly log: ActivityLog,
    private readonly clock: () => Date,
  ) {}

  // kefu's own Direct Line is told apart by the service URL only its router sets — never by the
  // channel id: Azure Bot Service's Direct Line and Web Chat channels also say "directline", and
  // their replies go to their serviceUrl like any Bot Framework channel's.
  handles(context: TurnContext): boolean {
    return isOwnDirectLine(context.activity);
  }

  async send(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const ids: ResourceResponse[] = [];
    for (const a of activities) {
      if (a.type === 'delay' || a.type === 'invokeResponse' || a.type === 'trace') {
        ids.push({ id: '' });
        continue;
      }
      const id = `${conversationId}|${randomUUID().slice(0, 8)}`;
      await this.log.append(conversationId, { ...(a as object), id, timestamp: this.clock().toISOString(), from: senderOf(a) });
      ids.push({ id });
    }
    return ids;
  }
}

/**
 * Who the client shows as the sender: the bot, or — for a reply an agent wrote — that person, by name
 * (Web Chat and other Direct Line clients label messages with `from.name`).
 */
function senderOf(activity: Partial<Activity>): { id: string; name: string; role: string } {
  const kefu = (activity.channelData as { kefu?: { speaker?: unknown; agentId?: unknown; agentName?: unknown } } | undefined)?.kefu;
  if (kefu?.speaker === 'agent' && typeof kefu.agentId === 'string') {
    return { id: `agent:${kefu.agentId}`, name: typeof kefu.agentName === 'string' ? kefu.agentName : kefu.agentId, role: 'bot' };
  }
  return BOT;
}

/** An activity that came in through kefu's own Direct Line router (its invalid-domain service URL). */
export function isOwnDirectLine(activity: { serviceUrl?: string }): boolean {
  return activity.serviceUrl === SERVICE_URL;
}

/** The subset of Direct Line 3.0 that botframework-directlinejs and botframework-webchat use (polling; the WebSocket stream is stream.ts). */
export function directLineRouter(deps: DirectLineDeps): Router {
  const router = Router();
  const { credentials, log, clock } = deps;

  // CORS: Web Chat served from the customer's own site calls Direct Line from another origin.
  router.use((req, res, next) => {
    const origin = req.header('origin');
    const any = deps.corsOrigins.includes('*');
    if (origin && (any || deps.corsOrigins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      if (!any) res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, x-ms-bot-agent, x-requested-with');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  const streamUrl = (req: Request, conversationId: string, token: string) =>
    streamUrlFor({ secure: req.protocol === 'https', host: req.get('host') ?? 'localhost', mount: req.baseUrl }, conversationId, token);

  const auth = (req: Request, res: Response): DirectLineAuth | undefined => {
    const a = credentials.authenticate(req.header('authorization'), clock());
    if (!a) refuseCredential(res, 'missing, invalid or expired Direct Line secret or token');
    return a;
  };
  const authFor = (req: Request, res: Response): DirectLineAuth | undefined => {
    const a = auth(req, res);
    if (a?.kind === 'token' && a.claims.conv !== req.params.conversationId) {
      refuseCredential(res, 'this token is for another conversation');
      return undefined;
    }
    return a;
  };
  const start = async (conversationId: string, userId: string | undefined) => {
    // Like Direct Line: the bot hears that the user joined, so it can greet.
    await deps.runTurn({
      type: 'conversationUpdate',
      id: `${conversationId}|start`,
      channelId: DIRECT_LINE_CHANNEL,
      serviceUrl: SERVICE_URL,
      conversation: { id: conversationId } as Activity['conversation'],
      recipient: BOT,
      from: { id: userId ?? 'user', name: 'user' },
      membersAdded: [{ id: userId ?? 'user', name: 'user' }],
      timestamp: clock(),
    });
  };

  router.post('/tokens/generate', async (req, res) => {
    const a = auth(req, res);
    if (!a) return;
    if (a.kind !== 'secret') return void refuseCredential(res, 'tokens are generated with the secret');
    const body = TokenRequest.safeParse(req.body ?? {});
    if (!body.success) return void sendError(res, 'BadArgument', formatZodIssues(body.error));
    const conversationId = DirectLineCredentials.newConversationId();
    // Every token speaks for one user; without one given, a fresh ID the client cannot choose.
    res.json({ conversationId, ...credentials.issue(conversationId, body.data.user?.id ?? newUserId(), clock()) });
  });

  router.post('/tokens/refresh', async (req, res) => {
    const a = auth(req, res);
    if (!a) return;
    if (a.kind !== 'token') return void refuseCredential(res, 'refresh needs a token');
    res.json({ conversationId: a.claims.conv, ...credentials.issue(a.claims.conv, a.claims.user, clock()) });
  });

  router.post('/conversations', async (req, res) => {
    const a = auth(req, res);
    if (!a) return;
    const conversationId = a.kind === 'token' ? a.claims.conv : DirectLineCredentials.newConversationId();
    const userId = a.kind === 'token' ? (a.claims.user ?? newUserId()) : newUserId();
    const issued = credentials.issue(conversationId, userId, clock());
    const existing = await log.since(conversationId, 0);
    if (existing.watermark === 0) await start(conversationId, userId);
    res.status(201).json({ conversationId, ...issued, streamUrl: streamUrl(req, conversationId, issued.token) });
  });

  router.get('/conversations/:conversationId', async (req, res) => {
    const a = authFor(req, res);
    if (!a) return;
    const conversationId = req.params.conversationId;
    const issued = credentials.issue(conversationId, a.kind === 'token' ? (a.claims.user ?? newUserId()) : newUserId(), clock());
    res.json({ conversationId, ...issued, streamUrl: streamUrl(req, conversationId, issued.token) });
  });

  router.get('/conversations/:conversationId/activities', async (req, res) => {
    if (!authFor(req, res)) return;
    const watermark = Number.parseInt(typeof req.query.watermark === 'string' ? req.query.watermark : '0', 10);
    const from = Number.isFinite(watermark) && watermark >= 0 ? watermark : 0;
    const page = await log.since(req.params.conversationId, from);
    res.json({ activities: page.activities, watermark: String(page.watermark) });
  });

  router.post('/conversations/:conversationId/activities', async (req, res) => {
    const a = authFor(req, res);
    if (!a) return;
    const body = ClientActivity.safeParse(req.body);
    if (!body.success) return void sendError(res, 'BadArgument', formatZodIssues(body.error));
    res.json({ id: await receive(req.params.conversationId, a, body.data) });
  });

  // Attachments as Web Chat sends them: the files, and the message they came with.
  router.post('/conversations/:conversationId/upload', async (req, res) => {
    const a = authFor(req, res);
    if (!a) return;
    const conversationId = req.params.conversationId;
    const upload = await parseUpload(req, deps.maxUploadBytes);
    if (!upload.ok) return void sendError(res, 'BadArgument', upload.detail, undefined, upload.status);
    const sent = ClientActivity.safeParse(upload.activity ?? { type: 'message', from: { id: a.kind === 'token' ? (a.claims.user ?? 'user') : 'user' } });
    if (!sent.success) return void sendError(res, 'BadArgument', `activity: ${formatZodIssues(sent.error)}`);
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const attachments = [];
    for (const file of upload.files) {
      const id = await deps.attachments.put(conversationId, file);
      attachments.push({ contentType: file.contentType, contentUrl: `${base}/attachments/${id}`, name: file.name });
    }
    res.json({ id: await receive(conversationId, a, { ...sent.data, type: 'message', attachments }) });
  });

  // An uploaded file, by its unguessable ID; served as what its bytes proved it to be, never as a page.
  router.get('/attachments/:id', async (req, res) => {
    const file = await deps.attachments.get(req.params.id);
    if (!file) return void sendError(res, 'not_found', 'no such attachment (or it has expired)');
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const disposition = file.contentType.startsWith('image/') ? 'inline' : 'attachment';
    res.setHeader('Content-Disposition', `${disposition}; filename="${file.name.replace(/[^\x20-\x7e]/g, '_')}"`);
    res.end(file.bytes);
  });

  /** A customer's activity into the log and the bot: the message as the client sent it, stamped as the channel would. */
  const receive = async (conversationId: string, a: DirectLineAuth, data: z.infer<typeof ClientActivity>): Promise<string> => {
    // A token speaks for its user only.
    const from = a.kind === 'token' && a.claims.user ? { ...data.from, id: a.claims.user } : data.from;
    const id = `${conversationId}|${randomUUID().slice(0, 8)}`;
    const activity = {
      ...data,
      from: { ...from, role: 'user' },
      id,
      channelId: DIRECT_LINE_CHANNEL,
      serviceUrl: SERVICE_URL,
      conversation: { id: conversationId },
      recipient: BOT,
      timestamp: clock().toISOString(),
    };
    // The log is kept for 24 h and read back by the client: the text masked, the user token not kept.
    const { userToken: _token, ...channelData } = activity.channelData ?? {};
    await log.append(conversationId, {
      ...activity,
      ...(typeof activity.text === 'string' ? { text: maskPersonalData(activity.text) } : {}),
      ...(activity.channelData ? { channelData } : {}),
    });
    await deps.runTurn({ ...activity, timestamp: clock() } as unknown as Partial<Activity>);
    return id;
  };

  return router;
}

const newUserId = () => `dl-user-${randomUUID().slice(0, 12)}`;

/**
 * A missing, wrong or misused credential: Direct Line answers these 403 (its clients refresh or give up
 * on a 403) with the protocol's `BadArgument` code, whose catalogue status (400) is for bad bodies.
 */
function refuseCredential(res: Response, detail: string): void {
  sendError(res, 'BadArgument', detail, undefined, 403);
}
