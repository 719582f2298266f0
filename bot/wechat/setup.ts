import type { Activity } from 'botbuilder';
import type { Express } from 'express';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../kernel/log';
import type { KnowledgeBase } from '../../nlu/knowledgeBase';
import type { Env } from '../config';
import { WeChatApi } from './apiClient';
import { weChatRouter, type WeChatKind } from './channel';
import { WeChatCrypto } from './crypto';

/** The message APIs of the WeChat channels that are configured (an Official Account, WeCom). */
export function createWeChatApis(env: Env, kv: KeyValueStore, log: Logger): Partial<Record<WeChatKind, WeChatApi>> {
  const apis: Partial<Record<WeChatKind, WeChatApi>> = {};
  if (env.WECHAT_APPID && env.WECHAT_APPSECRET && env.WECHAT_TOKEN) {
    apis.wechat = new WeChatApi({
      kind: 'wechat',
      baseUrl: env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com',
      id: env.WECHAT_APPID,
      secret: env.WECHAT_APPSECRET,
      kv,
      log,
    });
  }
  if (env.WECOM_CORPID && env.WECOM_SECRET && env.WECOM_AGENTID && env.WECOM_TOKEN && env.WECOM_ENCODING_AES_KEY) {
    apis.wecom = new WeChatApi({
      kind: 'wecom',
      baseUrl: env.WECOM_API_BASE ?? env.WECHAT_API_BASE ?? 'https://qyapi.weixin.qq.com',
      id: env.WECOM_CORPID,
      secret: env.WECOM_SECRET,
      agentId: env.WECOM_AGENTID,
      kv,
      log,
    });
  }
  return apis;
}

function weChatSettings(env: Env, kind: WeChatKind): { token: string; receiveId: string; crypto?: WeChatCrypto } | undefined {
  const keys = (current?: string, previous?: string) => [current, previous].filter((k): k is string => Boolean(k));
  if (kind === 'wechat') {
    if (!env.WECHAT_TOKEN || !env.WECHAT_APPID) return undefined;
    const k = keys(env.WECHAT_ENCODING_AES_KEY, env.WECHAT_ENCODING_AES_KEY_PREVIOUS);
    return { token: env.WECHAT_TOKEN, receiveId: env.WECHAT_APPID, crypto: k.length ? new WeChatCrypto(k, env.WECHAT_APPID) : undefined };
  }
  if (!env.WECOM_TOKEN || !env.WECOM_CORPID || !env.WECOM_ENCODING_AES_KEY) return undefined;
  return {
    token: env.WECOM_TOKEN,
    receiveId: env.WECOM_CORPID,
    crypto: new WeChatCrypto(keys(env.WECOM_ENCODING_AES_KEY, env.WECOM_ENCODING_AES_KEY_PREVIOUS), env.WECOM_CORPID),
  };
}

export interface WeChatMountDeps {
  apis: Partial<Record<WeChatKind, WeChatApi>>;
  kv: KeyValueStore;
  kb: KnowledgeBase;
  log: Logger;
  clock: () => Date;
  runTurn: (activity: Partial<Activity>) => Promise<void>;
  /** A WeChat retry of a push kefu already had: how it was absorbed (metrics). */
  onRetry?: (kind: WeChatKind, outcome: 'answered' | 'waiting' | 'rerun') => void;
}

/** `/channels/wechat` and `/channels/wecom`, for the channels that are configured. */
export function mountWeChat(app: Express, env: Env, deps: WeChatMountDeps): void {
  for (const kind of ['wechat', 'wecom'] as const) {
    const api = deps.apis[kind];
    const settings = weChatSettings(env, kind);
    if (!api || !settings) continue;
    app.use(
      `/channels/${kind}`,
      weChatRouter({
        kind,
        ...settings,
        replayWindowS: env.WECHAT_REPLAY_WINDOW_S,
        replyMarginMs: env.WECHAT_REPLY_MARGIN_MS,
        api,
        ...deps,
      }),
    );
  }
}
