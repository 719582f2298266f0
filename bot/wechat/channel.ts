import { createHash, randomUUID } from 'node:crypto';
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';
import type { OutboundSink } from '../kefuAdapter';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CustomerUnreachableError } from '../../handoff/errors';
import type { KnowledgeBase } from '../../nlu/knowledgeBase';
import { formatZodIssues } from '../../kernel/errors';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../kernel/log';
import type { WeChatApi } from './apiClient';
import { signatureMatches, WeChatCrypto, WeChatCryptoError, wechatSignature } from './crypto';
import { encryptedReplyXml, MAX_XML_BYTES, parseWeChatXml, textReplyXml, WeChatXmlError } from './xml';

export type WeChatKind = 'wechat' | 'wecom';
/** WeChat stops accepting customer-service messages 48 hours after the user last wrote. */
export const WINDOW_MS = 48 * 3600 * 1000;
const DEDUP_MS = 10 * 60 * 1000;
/** An attempt's lease on a push, renewed while its turn runs: a dead attempt's retry runs again after this. */
const ATTEMPT_LEASE_MS = 4000;
const SERVICE_URL = 'https://wechat.kefu.invalid/';

const Digits = z.string().regex(/^\d+$/);
const MSG_TYPES = ['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link', 'event', 'file'] as const;
const KNOWN_TYPES = new Set<string>(MSG_TYPES);
/** A push after decryption: every value a string, as WeChat sends it. */
const Push = z
  .object({
    ToUserName: z.string().min(1),
    FromUserName: z.string().min(1).max(128),
    CreateTime: Digits,
    MsgType: z.enum(MSG_TYPES),
    MsgId: Digits.optional(),
    Content: z.string().max(4000).optional(),
    Recognition: z.string().max(4000).optional(),
    PicUrl: z.string().optional(),
    MediaId: z.string().optional(),
    Format: z.string().optional(),
    Location_X: z.string().optional(),
    Location_Y: z.string().optional(),
    Label: z.string().optional(),
    Title: z.string().optional(),
    Description: z.string().optional(),
    Url: z.string().optional(),
    Event: z.string().optional(),
    EventKey: z.string().optional(),
    AgentID: z.string().optional(),
  })
  .loose();
type Push = z.infer<typeof Push>;

export interface WeChatChannelOptions {
  kind: WeChatKind;
  token: string;
  /** appid or corpid: the receive ID inside encrypted messages. */
  receiveId: string;
  crypto?: WeChatCrypto;
  replayWindowS: number;
  replyMarginMs: number;
  kv: KeyValueStore;
  api: WeChatApi;
  kb: KnowledgeBase;
  log: Logger;
  clock: () => Date;
  /** A WeChat retry of a push kefu already had: answered from memory, waiting for the live attempt, or run again after a dead one. */
  onRetry?: (kind: WeChatKind, outcome: 'answered' | 'waiting' | 'rerun') => void;
  runTurn(activity: Partial<Activity>): Promise<void>;
}

/** Activities a turn produced while the passive reply is still open. */
class Collector {
  readonly texts: string[] = [];
  open = true;
}

/**
 * What this process is collecting for passive replies, by the push being answered: two pushes from
 * one user close together each get their own turn's replies (the turn lock runs them one by one).
 */
const collectors = new Map<string, Collector>();
const collectorKey = (conversationId: string, activityId: string | undefined) => `${conversationId}\n${activityId ?? ''}`;

/** WeChat has no buttons in a text reply: quick replies become a line to type from. */
export function renderForWeChat(a: Partial<Activity>): string | undefined {
  if (a.type !== 'message' || !a.text) return undefined;
  const actions = a.suggestedActions?.actions.map((x) => x.title).filter(Boolean) ?? [];
  return actions.length ? `${a.text}\n\n回复：${actions.join(' / ')}` : a.text;
}

/**
 * Outbound side for WeChat conversations: inside the 5-second window replies are collected for the
 * passive reply; after it (late answers, agent replies, notices, the survey) they go through the
 * message API. A WeChat user silent for 48 hours cannot be messaged: the send is refused.
 */
export class WeChatSink implements OutboundSink {
  constructor(
    private readonly apis: Partial<Record<WeChatKind, WeChatApi>>,
    private readonly kv: KeyValueStore,
    private readonly log: Logger,
    private readonly onUndeliverable: (conversationId: string, code: string, message: string) => Promise<void>,
  ) {}

  handles(context: TurnContext): boolean {
    return this.apis[context.activity.channelId as WeChatKind] !== undefined;
  }

  async send(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const kind = context.activity.channelId as WeChatKind;
    const api = this.apis[kind];
    if (!api) return [];
    const conversationId = context.activity.conversation.id;
    const user = conversationId.slice(kind.length + 1);
    const texts = activities.map(renderForWeChat).filter((t): t is string => t !== undefined);
    const collector = collectors.get(collectorKey(conversationId, context.activity.id));
    if (collector?.open) {
      collector.texts.push(...texts);
    } else {
      for (const text of texts) await this.deliver(kind, api, conversationId, user, text);
    }
    return activities.map(() => ({ id: randomUUID() }));
  }

  async deliver(kind: WeChatKind, api: WeChatApi, conversationId: string, user: string, text: string): Promise<void> {
    if (kind === 'wechat' && !(await this.kv.get(`${kind}:last:${user}`))) {
      await this.onUndeliverable(conversationId, 'outside_48h_window', 'the WeChat user has not written for 48 hours');
      throw new UndeliverableError('outside_48h_window', 'the customer has not written on WeChat for 48 hours: a callback ticket was opened instead');
    }
    try {
      await api.sendText(user, text);
    } catch (err) {
      const raw = (err as { code?: unknown }).code;
      const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : 'error';
      this.log.warn('WeChat message API failed', { conversation: conversationId, code, error: (err as Error).message });
      await this.onUndeliverable(conversationId, code, (err as Error).message);
      throw new UndeliverableError(code, (err as Error).message);
    }
  }
}

export class UndeliverableError extends CustomerUnreachableError {}

/** GET/POST /channels/wechat or /channels/wecom. */
export function weChatRouter(o: WeChatChannelOptions): Router {
  const router = Router();
  const q = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
  const fail = (res: Response, status: number, message: string) => void res.status(status).type('text/plain').send(message);

  const fresh = (timestamp: string | undefined): boolean => {
    if (!timestamp || !/^\d+$/.test(timestamp)) return false;
    if (o.replayWindowS === 0) return true;
    return Math.abs(o.clock().getTime() / 1000 - Number(timestamp)) <= o.replayWindowS;
  };

  router.get('/', (req, res) => {
    const [timestamp, nonce, echostr] = [q(req, 'timestamp'), q(req, 'nonce'), q(req, 'echostr')];
    if (!timestamp || !nonce || !echostr) return void fail(res, 400, 'missing timestamp, nonce or echostr');
    if (!fresh(timestamp)) return void fail(res, 403, 'stale timestamp');
    if (o.kind === 'wechat') {
      if (!signatureMatches(q(req, 'signature'), wechatSignature(o.token, timestamp, nonce))) return void fail(res, 403, 'bad signature');
      return void res.type('text/plain').send(echostr);
    }
    // WeCom: msg_signature over the encrypted echostr; the answer is the decrypted echostr, bare.
    if (!o.crypto || !signatureMatches(q(req, 'msg_signature'), wechatSignature(o.token, timestamp, nonce, echostr)))
      return void fail(res, 403, 'bad signature');
    try {
      res.type('text/plain').send(o.crypto.decrypt(echostr));
    } catch {
      fail(res, 400, 'cannot decrypt echostr');
    }
  });

  router.post('/', express.text({ type: () => true, limit: MAX_XML_BYTES }), async (req, res) => {
    const [timestamp, nonce] = [q(req, 'timestamp'), q(req, 'nonce')];
    if (!timestamp || !nonce) return void fail(res, 400, 'missing timestamp or nonce');
    if (!fresh(timestamp)) return void fail(res, 403, 'stale timestamp');
    // The Official Account signs every push over the query alone: checked before the body is read.
    if (o.kind === 'wechat' && !signatureMatches(q(req, 'signature'), wechatSignature(o.token, timestamp, nonce))) return void fail(res, 403, 'bad signature');
    const body = typeof req.body === 'string' ? req.body : '';
    // The query signature does not cover the body: a captured (timestamp, nonce) reused with another
    // body is a replay. WeChat's own retries reuse them with the same body, and pass.
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const nonceKey = `${o.kind}:nonce:${timestamp}:${nonce}`;
    if (!(await o.kv.setIfAbsent(nonceKey, bodyHash, Math.max(o.replayWindowS, 300) * 2000)) && (await o.kv.get(nonceKey)) !== bodyHash) {
      return void fail(res, 403, 'replayed signature');
    }
    let fields: Partial<Record<string, string>>;
    let encrypted = false;
    try {
      fields = parseWeChatXml(body);
      if (fields.Encrypt !== undefined || q(req, 'encrypt_type') === 'aes' || o.kind === 'wecom') {
        if (!o.crypto || fields.Encrypt === undefined) return void fail(res, 400, 'encrypted message without an Encrypt element or key');
        if (!signatureMatches(q(req, 'msg_signature'), wechatSignature(o.token, timestamp, nonce, fields.Encrypt)))
          return void fail(res, 403, 'bad msg_signature');
        fields = parseWeChatXml(o.crypto.decrypt(fields.Encrypt));
        encrypted = true;
      }
    } catch (err) {
      if (err instanceof WeChatXmlError || err instanceof WeChatCryptoError) return void fail(res, 400, err.message);
      throw err;
    }
    if (fields.MsgType !== undefined && !KNOWN_TYPES.has(fields.MsgType)) {
      o.log.info('WeChat message type not handled', { msgType: fields.MsgType });
      return void res.type('text/plain').send('success'); // acknowledged, so WeChat does not retry it
    }
    const push = Push.safeParse(fields);
    if (!push.success) return void fail(res, 400, `unexpected message: ${formatZodIssues(push.error)}`);
    const m = push.data;

    // WeChat retries an unanswered push (three tries, 5 s apart). The push is deduplicated by a lease
    // that carries the answer: "run:<token>" while an attempt runs (renewed), "done:<answer>" once
    // answered. A retry during a live attempt waits for its answer; one after the attempt died (its
    // lease ran out) runs the push again; one after the answer gets the same answer.
    const dedupKey = `${o.kind}:seen:${m.MsgId ?? `${m.FromUserName}:${m.CreateTime}:${m.Event ?? ''}`}`;
    const running = `run:${randomUUID()}`;
    for (;;) {
      if (await o.kv.setIfAbsent(dedupKey, running, ATTEMPT_LEASE_MS)) break;
      const seen = await waitForAnswer(o.kv, dedupKey, o.replyMarginMs);
      const outcome = seen === 'gone' ? 'rerun' : seen === 'running' ? 'waiting' : 'answered';
      o.onRetry?.(o.kind, outcome);
      o.log.info('wechat retry absorbed', { kind: o.kind, msg: m.MsgId, outcome });
      if (seen === 'gone') continue; // the attempt died: this retry runs it
      if (seen === 'running') return void res.type('text/plain').send('success'); // it answers through the message API
      return void answer(res, m, encrypted, seen);
    }
    await o.kv.set(`${o.kind}:last:${m.FromUserName}`, String(o.clock().getTime()), WINDOW_MS);

    const activity = toActivity(o, m);
    if (!activity) {
      await o.kv.replaceIfEquals(dedupKey, running, 'done:[]', DEDUP_MS);
      return void res.type('text/plain').send('success');
    }
    const conversationId = activity.conversation?.id as string;
    const collector = new Collector();
    const key = collectorKey(conversationId, activity.id);
    collectors.set(key, collector);
    const renew = setInterval(() => void o.kv.replaceIfEquals(dedupKey, running, running, ATTEMPT_LEASE_MS).catch(() => undefined), ATTEMPT_LEASE_MS / 3);
    const turn = o
      .runTurn(activity)
      .then(() => true)
      .catch(async (err: unknown) => {
        o.log.error('WeChat turn failed', { conversation: conversationId, error: String(err) });
        await o.kv.deleteIfEquals(dedupKey, running); // not handled: WeChat's retry must not be dropped as a duplicate
        return false;
      })
      .finally(() => {
        clearInterval(renew);
      });
    const inTime = await Promise.race([turn, new Promise<'late'>((r) => setTimeout(() => r('late'), o.replyMarginMs))]);
    collector.open = false;
    if (collectors.get(key) === collector) collectors.delete(key);
    if (inTime === 'late') {
      // Too slow for the passive reply: "success" now, the answer through the message API.
      res.type('text/plain').send('success');
      void turn.then((ok) => (ok ? o.kv.replaceIfEquals(dedupKey, running, 'done:[]', DEDUP_MS) : undefined)).catch(() => undefined);
      for (const text of collector.texts) {
        await o.api.sendText(m.FromUserName, text).catch((err: unknown) => o.log.warn('late WeChat answer not delivered', { error: String(err) }));
      }
      return;
    }
    if (!inTime) return void fail(res, 500, 'the turn failed; WeChat will retry');
    // Remembered for the retry window: a retry of this push gets this same answer.
    await o.kv.replaceIfEquals(dedupKey, running, `done:${JSON.stringify(collector.texts)}`, DEDUP_MS);
    answer(res, m, encrypted, collector.texts);
  });

  /** The passive reply to a push: its texts in one message (encrypted when the push was), or "success". */
  function answer(res: Response, m: Push, encrypted: boolean, texts: readonly string[]): void {
    if (texts.length === 0) return void res.type('text/plain').send('success');
    const now = Math.floor(o.clock().getTime() / 1000);
    const reply = textReplyXml(m.FromUserName, m.ToUserName, now, texts.join('\n\n'));
    if (!encrypted || !o.crypto) return void res.type('application/xml').send(reply);
    const replyNonce = String(Math.floor(Math.random() * 1e9));
    const enc = o.crypto.encrypt(reply);
    res.type('application/xml').send(encryptedReplyXml(enc, wechatSignature(o.token, String(now), replyNonce, enc), String(now), replyNonce));
  }

  return router;
}

/** A push as a Bot Framework activity; undefined for events kefu does not act on. */
function toActivity(o: WeChatChannelOptions, m: Push): Partial<Activity> | undefined {
  const user = { id: m.FromUserName, name: m.FromUserName, role: 'user' };
  const base = {
    channelId: o.kind,
    serviceUrl: SERVICE_URL,
    id: m.MsgId ?? `${m.FromUserName}:${m.CreateTime}`,
    conversation: { id: `${o.kind}:${m.FromUserName}` } as Activity['conversation'],
    from: user,
    recipient: { id: m.ToUserName, name: 'kefu', role: 'bot' },
    timestamp: new Date(Number(m.CreateTime) * 1000),
    locale: 'zh-CN',
    channelData: { wechat: { msgType: m.MsgType, event: m.Event, agentId: m.AgentID } },
  };
  switch (m.MsgType) {
    case 'text':
      return { ...base, type: 'message', text: m.Content ?? '' };
    case 'voice':
      return m.Recognition
        ? { ...base, type: 'message', text: m.Recognition }
        : { ...base, type: 'message', attachments: [{ contentType: `audio/${m.Format ?? 'amr'}`, contentUrl: m.MediaId, name: 'voice' }] };
    case 'image':
      return { ...base, type: 'message', attachments: [{ contentType: 'image/jpeg', contentUrl: m.PicUrl, name: 'image' }] };
    case 'location':
      return {
        ...base,
        type: 'message',
        attachments: [{ contentType: 'application/vnd.kefu.location', name: m.Label, content: { x: m.Location_X, y: m.Location_Y } }],
      };
    case 'link':
      return { ...base, type: 'message', attachments: [{ contentType: 'text/html', contentUrl: m.Url, name: m.Title }] };
    case 'video':
    case 'shortvideo':
    case 'file':
      return { ...base, type: 'message', attachments: [{ contentType: 'application/octet-stream', contentUrl: m.MediaId, name: m.MsgType }] };
    case 'event': {
      const event = (m.Event ?? '').toLowerCase();
      if (event === 'subscribe' || event === 'enter_agent') return { ...base, type: 'conversationUpdate', membersAdded: [user] };
      if (event === 'click' && m.EventKey) {
        // A menu key names an intent; the bot gets that intent's quick-reply label, routed deterministically.
        const intent = o.kb.menu.menuKeys?.[m.EventKey];
        const label = intent ? o.kb.menu.quickReplies.find((x) => x.intent === intent)?.label.zh : undefined;
        return label ? { ...base, type: 'message', text: label } : undefined;
      }
      return undefined; // unsubscribe, VIEW, LOCATION reports…: nothing to answer
    }
  }
}

/**
 * What another attempt at the same push came to, waiting up to `maxMs`: its answer's texts, still
 * "running", or "gone" (its lease ran out: the attempt died or failed).
 */
async function waitForAnswer(kv: KeyValueStore, key: string, maxMs: number): Promise<string[] | 'running' | 'gone'> {
  const started = Date.now();
  for (;;) {
    const seen = await kv.get(key);
    if (seen === undefined) return 'gone';
    if (seen.startsWith('done:')) {
      const texts: unknown = JSON.parse(seen.slice(5));
      return Array.isArray(texts) ? texts.filter((t): t is string => typeof t === 'string') : [];
    }
    if (Date.now() - started > maxMs) return 'running';
    await new Promise((r) => setTimeout(r, 50));
  }
}
