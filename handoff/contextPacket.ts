import { z } from 'zod';
import { RiskAssessment, type RiskCategory } from '../nlu/riskTypes';
import { HandoffReason, Priority, SkillGroup, TranscriptEntry } from './types';

/**
 * Everything the agent needs, so they never ask again (../shared/DESIGN.md §Handoff). Versioned: a consumer
 * checks `version` before reading; new fields arrive with a new version.
 */
const EmotionLabel = z.enum(['anger', 'anxiety', 'neutral']);

export const ContextPacket = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  conversation: z.object({ id: z.string(), channelId: z.string() }),
  customer: z.object({
    id: z.string(),
    displayName: z.string().optional(),
    vipLevel: z.number().int().min(0),
    verification: z.object({
      method: z.enum(['token', 'phone_last4', 'none']),
      at: z.string().optional(),
    }),
    /** 138****1234: enough to confirm on a call, not enough to leak. */
    maskedPhone: z.string().optional(),
  }),
  locale: z.enum(['zh-CN', 'en']),
  reason: HandoffReason,
  reasons: z.array(HandoffReason).min(1),
  priority: Priority,
  slaDueAt: z.string(),
  group: SkillGroup,
  risk: RiskAssessment,
  /** Verified orders with their details; orders only mentioned (verified false) carry the ID alone. */
  orders: z.array(
    z.object({
      id: z.string(),
      status: z.string().optional(),
      amount: z.number().optional(),
      merchant: z.string().optional(),
      verified: z.boolean(),
    }),
  ),
  intentHistory: z.array(z.object({ intent: z.string(), score: z.number(), at: z.string() })),
  entities: z.object({
    orderIds: z.array(z.string()),
    phones: z.array(z.string()),
    amounts: z.array(z.object({ value: z.number(), currency: z.string(), text: z.string() })),
  }),
  /**
   * The customer's mood: label and score of the latest message; over the conversation, the peak
   * (strongest message) and the trend of the last messages. Peak and trend are absent in packets
   * stored before they existed.
   */
  emotion: z.object({
    label: EmotionLabel,
    score: z.number(),
    peak: z.object({ label: EmotionLabel, score: z.number(), at: z.string() }).optional(),
    trend: z.enum(['rising', 'steady', 'easing']).optional(),
    messages: z.number().int().min(0).optional(),
  }),
  transcript: z.array(TranscriptEntry),
  summary: z.string(),
  note: z.string().optional(),
});
export type ContextPacket = z.infer<typeof ContextPacket>;

const INTENT_LABELS: Record<string, { zh: string; en: string }> = {
  human_agent: { zh: '要求人工', en: 'asked for a person' },
  order_status: { zh: '查询订单', en: 'order status' },
  delivery_delay: { zh: '配送超时', en: 'late delivery' },
  cancel_order: { zh: '取消订单', en: 'cancel order' },
  change_address: { zh: '修改地址', en: 'change address' },
  refund_request: { zh: '申请退款', en: 'refund request' },
  refund_status: { zh: '退款未到账', en: 'refund not received' },
  return_exchange: { zh: '退换货', en: 'return/exchange' },
  wrong_item: { zh: '错发漏发', en: 'wrong/missing item' },
  payment_failed: { zh: '支付问题', en: 'payment problem' },
  invoice: { zh: '发票', en: 'invoice' },
  coupon: { zh: '优惠券', en: 'coupon' },
  account_login: { zh: '登录问题', en: 'login problem' },
  account_stolen: { zh: '账号被盗', en: 'account stolen' },
  complaint: { zh: '投诉', en: 'complaint' },
  food_safety: { zh: '食品安全', en: 'food safety' },
  app_issue: { zh: 'App 故障', en: 'app problem' },
  suggestion: { zh: '建议', en: 'suggestion' },
};
const REASON_LABELS: Record<HandoffReason, { zh: string; en: string }> = {
  requested: { zh: '客户要求人工', en: 'customer asked' },
  timeout: { zh: '机器人超时未回复', en: 'bot timed out' },
  high_risk: { zh: '高危', en: 'HIGH RISK' },
  nlu_fallback: { zh: '机器人未能理解', en: 'bot did not understand' },
  identity_failed: { zh: '身份核实失败', en: 'verification failed' },
};
const RISK_LABELS: Record<RiskCategory, { zh: string; en: string }> = {
  safety: { zh: '人身安全', en: 'personal safety' },
  security: { zh: '账号安全', en: 'account security' },
  legal: { zh: '法律/投诉升级', en: 'legal' },
  food_safety: { zh: '食品安全', en: 'food safety' },
  abuse: { zh: '辱骂', en: 'abuse' },
};
const EMOTION_LABELS = { anger: { zh: '愤怒', en: 'angry' }, anxiety: { zh: '焦急', en: 'anxious' }, neutral: { zh: '平静', en: 'calm' } };

/** "退款未到账 · 订单 KF… · 已验证 · 情绪：焦急 · 原因：客户要求人工" — the line an agent reads first. */
export function summarise(p: Omit<ContextPacket, 'summary'>): string {
  const l = p.locale === 'zh-CN' ? 'zh' : 'en';
  const topic = [...p.intentHistory].reverse().find((h) => h.intent !== 'None' && h.intent !== 'human_agent' && INTENT_LABELS[h.intent]);
  const parts: string[] = [];
  if (p.risk.level !== 'none') {
    // In words: the category's name and the customer's own words that raised it (not the topic intent's ID).
    const category = p.risk.category ? RISK_LABELS[p.risk.category][l] : '';
    const words = p.risk.matched.filter((m) => !m.startsWith('intent:'));
    const said = words.length ? (l === 'zh' ? `（${words.join('、')}）` : ` (${words.join(', ')})`) : '';
    parts.push(l === 'zh' ? `⚠ 高危：${category}${said}` : `⚠ risk: ${category}${said}`);
  }
  parts.push(topic ? INTENT_LABELS[topic.intent][l] : l === 'zh' ? '未识别问题' : 'topic unknown');
  const order = p.orders[0]?.id ?? p.entities.orderIds[0];
  if (order) parts.push(l === 'zh' ? `订单 ${order}` : `order ${order}`);
  const verified = p.customer.verification.method !== 'none';
  parts.push(l === 'zh' ? (verified ? '已验证' : '未验证') : verified ? 'verified' : 'not verified');
  // The strongest mood of the conversation, if stronger than the latest: a customer who raged and then went quiet is still upset.
  const peak = p.emotion.peak && p.emotion.peak.score > p.emotion.score ? p.emotion.peak : undefined;
  const mood = (e: { label: keyof typeof EMOTION_LABELS }) => EMOTION_LABELS[e.label][l];
  const trend = p.emotion.trend === 'rising' ? (l === 'zh' ? '↑' : ' ↑') : '';
  parts.push(
    l === 'zh'
      ? `情绪：${mood(p.emotion)}${trend}${peak ? `（此前${mood(peak)}）` : ''}`
      : `mood: ${mood(p.emotion)}${trend}${peak ? ` (earlier ${mood(peak)})` : ''}`,
  );
  parts.push(l === 'zh' ? `原因：${REASON_LABELS[p.reason].zh}` : `reason: ${REASON_LABELS[p.reason].en}`);
  return parts.join(' · ');
}
