import { randomUUID } from 'node:crypto';
import type { ContextPacket } from '../handoff/contextPacket';
import type { HandoffRecord } from '../handoff/store';
import type { HandoffReason, Priority, SkillGroup } from '../handoff/types';

export function packet(conversationId: string, reason: HandoffReason = 'requested'): ContextPacket {
  return {
    version: 1,
    createdAt: new Date(0).toISOString(),
    conversation: { id: conversationId, channelId: 'test' },
    customer: { id: 'c1', vipLevel: 0, verification: { method: 'none' } },
    locale: 'zh-CN',
    reason,
    reasons: [reason],
    priority: 'normal',
    slaDueAt: new Date(0).toISOString(),
    group: 'general',
    risk: { level: 'none', matched: [] },
    orders: [],
    intentHistory: [],
    entities: { orderIds: [], phones: [], amounts: [] },
    emotion: { label: 'neutral', score: 0 },
    transcript: [],
    summary: 'test',
  };
}

export function record(
  opts: { conversationId?: string; priority?: Priority; group?: SkillGroup; createdAt?: number; reason?: HandoffReason } = {},
): HandoffRecord {
  const conversationId = opts.conversationId ?? `conv-${randomUUID()}`;
  const createdAt = opts.createdAt ?? Date.now();
  return {
    id: `h-${randomUUID()}`,
    conversationId,
    status: 'queued',
    reasons: [opts.reason ?? 'requested'],
    group: opts.group ?? 'general',
    priority: opts.priority ?? 'normal',
    createdAt,
    slaDueAt: createdAt + 60_000,
    transfers: [],
    packet: packet(conversationId, opts.reason),
    reference: { conversation: { id: conversationId }, serviceUrl: 'http://127.0.0.1:9/', channelId: 'test' },
  };
}
