import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../kernel/log';

export class WeChatApiError extends Error {
  constructor(
    readonly code: number | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'WeChatApiError';
  }
}

/** Access-token errors after which a fresh token is fetched once and the call retried. */
const TOKEN_ERRORS = new Set([40001, 42001, 40014]);

const TokenReply = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }).loose();
const ErrorReply = z.object({ errcode: z.number().int(), errmsg: z.string().optional() }).loose();

export interface WeChatApiOptions {
  kind: 'wechat' | 'wecom';
  baseUrl: string;
  /** appid (Official Account) or corpid (WeCom). */
  id: string;
  secret: string;
  /** WeCom application agent id. */
  agentId?: string;
  kv: KeyValueStore;
  log: Logger;
  timeoutMs?: number;
  retryDelaysMs?: number[];
}

/**
 * The customer-service message API (客服消息) of an Official Account, or WeCom's application message
 * API, with the access_token cached in the shared store until shortly before it expires and
 * refreshed by one instance at a time.
 */
export class WeChatApi {
  private readonly tokenKey: string;
  private readonly lockKey: string;

  constructor(private readonly o: WeChatApiOptions) {
    this.tokenKey = `${o.kind}:token:${o.id}`;
    this.lockKey = `${o.kind}:token-lock:${o.id}`;
  }

  async sendText(user: string, content: string): Promise<void> {
    const body =
      this.o.kind === 'wechat'
        ? { touser: user, msgtype: 'text', text: { content } }
        : { touser: user, msgtype: 'text', agentid: Number(this.o.agentId), text: { content } };
    const path = this.o.kind === 'wechat' ? '/cgi-bin/message/custom/send' : '/cgi-bin/message/send';
    await this.call(path, body);
  }

  private async call(path: string, body: unknown, refreshed = false): Promise<void> {
    const token = await this.token(refreshed);
    const reply = ErrorReply.safeParse(await this.request(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: JSON.stringify(body) }));
    if (!reply.success) throw new WeChatApiError(-1, 'the WeChat API answered something unreadable');
    const { errcode, errmsg } = reply.data;
    if (errcode === 0) return;
    if (TOKEN_ERRORS.has(errcode) && !refreshed) {
      await this.o.kv.del(this.tokenKey);
      return this.call(path, body, true);
    }
    throw new WeChatApiError(errcode, `${errcode} ${errmsg ?? ''}`.trim());
  }

  private async token(forceRefresh: boolean): Promise<string> {
    if (!forceRefresh) {
      const cached = await this.o.kv.get(this.tokenKey);
      if (cached) return cached;
    }
    // One refresher at a time across instances; the others wait for its result.
    const me = randomUUID();
    for (let waited = 0; ; waited += 100) {
      if (await this.o.kv.setIfAbsent(this.lockKey, me, 10_000)) break;
      await new Promise((r) => setTimeout(r, 100));
      const cached = await this.o.kv.get(this.tokenKey);
      if (cached && !forceRefresh) return cached;
      if (waited > 10_000) throw new WeChatApiError('network', 'timed out waiting for another instance to refresh the access_token');
    }
    try {
      const query =
        this.o.kind === 'wechat'
          ? `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.o.id)}&secret=${encodeURIComponent(this.o.secret)}`
          : `/cgi-bin/gettoken?corpid=${encodeURIComponent(this.o.id)}&corpsecret=${encodeURIComponent(this.o.secret)}`;
      const raw = await this.request(query, { method: 'GET' });
      const ok = TokenReply.safeParse(raw);
      if (!ok.success) {
        const err = ErrorReply.safeParse(raw);
        throw new WeChatApiError(
          err.success ? err.data.errcode : -1,
          `access_token: ${err.success ? `${err.data.errcode} ${err.data.errmsg ?? ''}` : 'unreadable reply'}`,
        );
      }
      // Cached until five minutes before WeChat expires it (at least a minute).
      const ttlMs = Math.max(60, ok.data.expires_in - 300) * 1000;
      await this.o.kv.set(this.tokenKey, ok.data.access_token, ttlMs);
      return ok.data.access_token;
    } finally {
      await this.o.kv.deleteIfEquals(this.lockKey, me);
    }
  }

  /** One HTTP call, retried with backoff on network errors only. */
  private async request(pathAndQuery: string, init: { method: string; body?: string }): Promise<unknown> {
    const delays = this.o.retryDelaysMs ?? [200, 400, 800];
    for (let attempt = 0; ; attempt += 1) {
      try {
        const res = await fetch(`${this.o.baseUrl.replace(/\/$/, '')}${pathAndQuery}`, {
          ...init,
          headers: init.body ? { 'content-type': 'application/json' } : undefined,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
        });
        if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
        return await res.json();
      } catch (err) {
        // A POST that may have reached WeChat (timeout, 5xx) is not repeated: the customer would get it twice.
        const neverArrived = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET/.test((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
        if (attempt >= delays.length || (init.method !== 'GET' && !neverArrived))
          throw new WeChatApiError('network', `WeChat API unreachable: ${(err as Error).message}`);
        this.o.log.warn('WeChat API call failed, retrying', { attempt: attempt + 1, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }
}
