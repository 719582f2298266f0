import type { IntentId } from './types';

/** ../shared/DESIGN.md's intent catalogue: the shipped corpus must cover each of these in every locale. */
export const CATALOGUE_INTENTS = [
  'greet',
  'goodbye',
  'thanks',
  'human_agent',
  'order_status',
  'delivery_delay',
  'cancel_order',
  'change_address',
  'refund_request',
  'refund_status',
  'return_exchange',
  'wrong_item',
  'payment_failed',
  'invoice',
  'coupon',
  'account_login',
  'account_stolen',
  'complaint',
  'food_safety',
  'app_issue',
  'suggestion',
] as const;

export type CatalogueIntent = (typeof CATALOGUE_INTENTS)[number];

/** Intents answered from the customer's own order, after identity verification. */
export const ORDER_INTENTS = [
  'order_status',
  'delivery_delay',
  'cancel_order',
  'change_address',
  'refund_request',
  'refund_status',
  'return_exchange',
  'wrong_item',
] as const;

export type OrderIntent = (typeof ORDER_INTENTS)[number];

export function isOrderIntent(intent: IntentId): intent is OrderIntent {
  return (ORDER_INTENTS as readonly string[]).includes(intent);
}
