import { isExplicitHumanRequest, normaliseRequest } from '../nlu/explicitRequest';
import type { NluResult } from '../nlu/types';

/** Said alone, these leave whatever step the customer is in. "取消订单" is an intent, not this. */
const CANCEL_WORDS = new Set(['取消', '算了', '不用了', '重新开始', '重来', '从头开始', '退出', 'cancel', 'startover', 'restart', 'quit', 'nevermind', 'stop']);

export type Interruption = 'cancel' | 'human' | undefined;

export function detectInterruption(text: string, nlu: NluResult, humanThreshold: number): Interruption {
  const t = normaliseRequest(text);
  if (CANCEL_WORDS.has(t)) return 'cancel';
  if (isExplicitHumanRequest(text)) return 'human';
  // "算了 转人工吧": a person asked for, whatever came first.
  if (/转人工|人工客服|找人工|要人工|真人客服|talktoahuman|talktoaperson|realperson|humanagent/.test(t)) return 'human';
  // "算了不查了", "不用了谢谢": giving up, and nothing else asked for.
  if (/^(算了|不用了|不查了|没事了|nevermind)(不查了|不问了|没事了|谢谢|谢啦|不用了|吧|啦|了)?$/.test(t)) return 'cancel';
  // "nvm I figured it out", "never mind, sorted": the customer no longer needs this.
  if (/^(nvm|nevermind)(ifigureditout|figureditout|sorted|gotit|thanks|thx|allgood|itsfine|imgood)?$/.test(t)) return 'cancel';
  if (nlu.intent === 'human_agent' && nlu.score >= humanThreshold) return 'human';
  return undefined;
}
