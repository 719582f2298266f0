import type { IntentId } from './types';

/** A message as the explicit-request lists compare it: lower case, without spaces, punctuation or emoji. */
export function normaliseRequest(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/**
 * Said alone, these ask for a person — the commonest way a handoff starts. They are read by rule,
 * before (and instead of) the classifier: the request never waits on a model, and never depends on
 * its mood.
 */
const HUMAN_WORDS = new Set([
  '转人工',
  '人工',
  '人工客服',
  '真人',
  '找人工',
  '我要人工',
  '转接人工',
  'human',
  'agent',
  'talktoahuman',
  'realperson',
  'humanagent',
  'talktoaperson',
  'operator',
]);

/** Whether the whole message is an explicit request for a person ("转人工", "agent!"). */
export function isExplicitHumanRequest(text: string): boolean {
  return HUMAN_WORDS.has(normaliseRequest(text));
}

export const HUMAN_AGENT_INTENT: IntentId = 'human_agent';
