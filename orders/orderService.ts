import { z } from 'zod';

export const OrderStatus = z.enum(['pending_payment', 'preparing', 'delivering', 'delivered', 'cancelled', 'refunding', 'refunded']);
export type OrderStatus = z.infer<typeof OrderStatus>;

const IsoTime = z.iso.datetime({ offset: true });

/** An order as kefu needs it; the same schema validates the demo fixture and the order API's replies. */
export const OrderSchema = z
  .object({
    id: z.string().regex(/^KF\d{12}$/),
    customerId: z.string().min(1),
    /** The phone on the order; only its last four digits are ever compared, never shown whole. */
    phone: z.string().regex(/^\d{11}$/),
    status: OrderStatus,
    category: z.enum(['food', 'goods']),
    merchant: z.string().min(1),
    items: z.array(z.object({ name: z.string().min(1), quantity: z.number().int().positive(), price: z.number().nonnegative() })).min(1),
    amount: z.number().nonnegative(),
    currency: z.literal('CNY'),
    createdAt: IsoTime,
    eta: IsoTime.optional(),
    deliveredAt: IsoTime.optional(),
    address: z.string().min(1),
    refund: z
      .object({
        status: z.enum(['processing', 'completed', 'rejected']),
        amount: z.number().nonnegative(),
        requestedAt: IsoTime,
        completedAt: IsoTime.optional(),
      })
      .optional(),
  })
  .strict();
export type Order = z.infer<typeof OrderSchema>;

export type ServiceRequestKind = 'cancel' | 'refund' | 'return' | 'wrong_item';

export const ServiceRequestSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  kind: z.enum(['cancel', 'refund', 'return', 'wrong_item']),
  createdAt: IsoTime,
  reason: z.string().max(500).optional(),
});
export type ServiceRequest = z.infer<typeof ServiceRequestSchema>;

/** The order back end is down, slow or answered something kefu cannot read. */
export class OrderServiceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderServiceUnavailableError';
  }
}

/** What the order dialog needs from the order system; dialogs never know which one is behind it. */
/** What the customer told the bot about the request. */
export interface ServiceRequestDetails {
  /** The reason, as the customer chose or typed it (masked of personal data). */
  reason?: string;
}

export interface OrderService {
  /** The order, or undefined when there is none with that ID. */
  findOrder(orderId: string): Promise<Order | undefined>;
  /**
   * The customer's most recent orders, newest first, at most `limit`: asked only for a customer the
   * app vouched for (a signed user token), so "cancel it" needs no order number.
   */
  customerOrders(customerId: string, limit: number): Promise<Order[]>;
  /** Files a cancellation, refund, return or wrong-item request for the order. */
  submitRequest(orderId: string, kind: ServiceRequestKind, details?: ServiceRequestDetails): Promise<ServiceRequest>;
}
