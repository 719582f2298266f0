/** The dialog every load-generator conversation runs: greeting, FAQs in both languages, the order flow with verification. */
export const SCRIPT = ['你好', '怎么开发票', '查物流 KF202611220001', '1234', 'How do I use a coupon?', 'where is my order KF202611190003', '5678', '谢谢'];

/** The second script, weighted to the order flow: greeting, an invoice FAQ, an order question with its ID, the last four digits, an English coupon FAQ. */
export const ORDER_SCRIPT = ['你好', '怎么开发票', '查订单 KF202611220001', '1234', 'How do I use a coupon?'];

export const SCRIPTS = { main: SCRIPT, order: ORDER_SCRIPT } as const;
export type ScriptName = keyof typeof SCRIPTS;

/** The body both load generators post: one customer message of conversation `conversationId`, replies in the response. */
export function scriptActivityJson(conversationId: string, text: string): string {
  return JSON.stringify({
    type: 'message',
    channelId: 'load',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    from: { id: conversationId },
    recipient: { id: 'kefu' },
    conversation: { id: conversationId },
    text,
  });
}
