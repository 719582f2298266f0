import type { OrderIntent } from '../nlu/catalogue';
import { dateFormat } from '../kernel/dates';
import type { Locale } from '../kernel/locale';
import type { Order, ServiceRequestKind } from '../orders/orderService';
import { PROMPTS } from './prompts';

export interface OrderReply {
  lines: string[];
  /** A request the bot offers to file, when the order qualifies. */
  offer?: ServiceRequestKind;
  /** The order is late: the answer should open with an apology if nothing kinder came first. */
  late?: boolean;
  /** The order does not qualify: the how-to-apply policy text would contradict the answer. */
  omitPolicy?: boolean;
}

const RETURN_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** The order-specific part of the answer to an order intent; the KB's policy text follows it. */
export function replyForOrder(intent: OrderIntent, order: Order, locale: Locale, now: Date, timeZone: string): OrderReply {
  const p = PROMPTS[locale];
  const time = (iso: string) => formatTime(iso, locale, timeZone);
  const status = p.statusLine({ id: order.id, merchant: order.merchant, amount: money(order.amount), status: p.status[order.status] });
  const withinReturnWindow = order.deliveredAt !== undefined && now.getTime() - Date.parse(order.deliveredAt) <= RETURN_WINDOW_MS;
  const refundLine = order.refund
    ? p.refundLine({ status: p.refundStatus[order.refund.status], amount: money(order.refund.amount), requestedAt: time(order.refund.requestedAt) })
    : undefined;
  const lateMinutes = order.status === 'delivering' && order.eta ? Math.floor((now.getTime() - Date.parse(order.eta)) / 60000) : 0;
  const progress =
    order.status === 'delivered' && order.deliveredAt
      ? p.deliveredAt(time(order.deliveredAt))
      : lateMinutes > 0
        ? p.lateBy(lateMinutes)
        : order.eta && (order.status === 'delivering' || order.status === 'preparing')
          ? p.eta(time(order.eta))
          : undefined;

  switch (intent) {
    case 'order_status':
    case 'delivery_delay':
      return { lines: compact([status, progress]), late: lateMinutes > 0 };
    case 'cancel_order':
      if (order.status === 'pending_payment' || order.status === 'preparing') return { lines: [status], offer: 'cancel' };
      return { lines: compact([status, order.status === 'cancelled' ? undefined : p.notEligible.cancel]), omitPolicy: true };
    case 'change_address':
      if (order.status === 'pending_payment' || order.status === 'preparing') return { lines: [status, p.changeAddressOpen(maskAddress(order.address))] };
      return { lines: [status, p.changeAddressClosed], omitPolicy: true };
    case 'refund_request':
      if (refundLine) return { lines: [status, refundLine] };
      if (order.status === 'preparing' || (order.status === 'delivered' && withinReturnWindow)) return { lines: [status], offer: 'refund' };
      return { lines: compact([status, order.status === 'refunded' ? undefined : p.notEligible.refund]), omitPolicy: true };
    case 'refund_status':
      return { lines: [status, refundLine ?? p.noRefund] };
    case 'return_exchange':
      if (order.category === 'goods' && order.status === 'delivered' && withinReturnWindow) return { lines: [status], offer: 'return' };
      return { lines: [status, p.notEligible.return], omitPolicy: true };
    case 'wrong_item':
      if (order.status === 'delivered') return { lines: [status], offer: 'wrong_item' };
      return { lines: compact([status, progress]) };
  }
}

export function money(amount: number): string {
  return `¥${amount.toFixed(2)}`;
}

export function formatTime(iso: string, locale: Locale, timeZone: string): string {
  return dateFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso));
}

/** Enough of the address to recognise it, not enough to locate the customer. */
export function maskAddress(address: string): string {
  const chars = Array.from(address);
  const keep = Math.min(8, Math.ceil(chars.length / 2));
  return `${chars.slice(0, keep).join('')}****`;
}

function compact(lines: Array<string | undefined>): string[] {
  return lines.filter((l): l is string => typeof l === 'string' && l.length > 0);
}
