import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OrderSchema, type Order, type OrderService, type ServiceRequest, type ServiceRequestDetails, type ServiceRequestKind } from './orderService';

/** `bot/data/demo-orders.json`: the embedded default's orders. */
export const DemoOrdersFile = z.object({ orders: z.array(OrderSchema).min(1) }).strict();

/**
 * Orders from a JSON fixture, with times given relative to start-up ("+25m", "-2d") so the demo
 * always has a late delivery and an order inside the 7-day window. Requests are kept in memory.
 */
export class DemoOrderService implements OrderService {
  private readonly orders: Map<string, Order>;
  readonly requests: ServiceRequest[] = [];

  constructor(orders: Order[]) {
    this.orders = new Map(orders.map((o) => [o.id, o]));
  }

  async findOrder(orderId: string): Promise<Order | undefined> {
    return this.orders.get(orderId);
  }

  async customerOrders(customerId: string, limit: number): Promise<Order[]> {
    return [...this.orders.values()]
      .filter((o) => o.customerId === customerId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  async submitRequest(orderId: string, kind: ServiceRequestKind, details: ServiceRequestDetails = {}): Promise<ServiceRequest> {
    const request: ServiceRequest = {
      id: `R${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      orderId,
      kind,
      createdAt: new Date().toISOString(),
      ...(details.reason ? { reason: details.reason } : {}),
    };
    this.requests.push(request);
    return request;
  }
}

const RELATIVE = /^([+-])(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Replaces relative times ("+25m", "-3d") in the raw fixture with ISO times from `now`. */
export function resolveRelativeTimes(raw: unknown, now: Date): unknown {
  if (typeof raw === 'string') {
    const m = RELATIVE.exec(raw);
    if (!m) return raw;
    const delta = Number(m[2]) * UNIT_MS[m[3] as keyof typeof UNIT_MS] * (m[1] === '-' ? -1 : 1);
    return new Date(now.getTime() + delta).toISOString();
  }
  if (Array.isArray(raw)) return raw.map((x) => resolveRelativeTimes(x, now));
  if (raw && typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, resolveRelativeTimes(v, now)]));
  return raw;
}
