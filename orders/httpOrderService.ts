import { z } from 'zod';
import {
  OrderSchema,
  OrderServiceUnavailableError,
  ServiceRequestSchema,
  type Order,
  type OrderService,
  type ServiceRequest,
  type ServiceRequestDetails,
  type ServiceRequestKind,
} from './orderService';

export interface HttpOrderServiceOptions {
  baseUrl: string;
  timeoutMs: number;
  token?: string;
}

/**
 * The operator's order API: `GET {base}/orders/{id}` → 200 Order | 404,
 * `GET {base}/customers/{id}/orders?limit=N` → 200 {orders: Order[]} (newest first), and
 * `POST {base}/orders/{id}/requests {kind}` → 201 ServiceRequest. Every reply is validated;
 * a slow, failing or malformed reply is "unavailable", never a guess.
 */
export class HttpOrderService implements OrderService {
  constructor(private readonly options: HttpOrderServiceOptions) {}

  async findOrder(orderId: string): Promise<Order | undefined> {
    const res = await this.call('GET', `/orders/${encodeURIComponent(orderId)}`);
    if (res.status === 404) return undefined;
    const order = OrderSchema.safeParse(await this.json(res, 200));
    if (!order.success) throw new OrderServiceUnavailableError(`order API returned an invalid order: ${order.error.issues[0]?.message ?? ''}`);
    // Never trust the back end to have answered about a different order.
    if (order.data.id !== orderId) throw new OrderServiceUnavailableError('order API returned a different order than asked for');
    return order.data;
  }

  async customerOrders(customerId: string, limit: number): Promise<Order[]> {
    const res = await this.call('GET', `/customers/${encodeURIComponent(customerId)}/orders?limit=${String(limit)}`);
    if (res.status === 404) return [];
    const reply = CustomerOrdersReply.safeParse(await this.json(res, 200));
    if (!reply.success) throw new OrderServiceUnavailableError(`order API returned an invalid order list: ${reply.error.issues[0]?.message ?? ''}`);
    // Another customer's order in the list would be shown to this one: the whole reply is refused.
    if (reply.data.orders.some((o) => o.customerId !== customerId)) throw new OrderServiceUnavailableError("order API listed another customer's order");
    return [...reply.data.orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  async submitRequest(orderId: string, kind: ServiceRequestKind, details: ServiceRequestDetails = {}): Promise<ServiceRequest> {
    const res = await this.call('POST', `/orders/${encodeURIComponent(orderId)}/requests`, { kind, ...(details.reason ? { reason: details.reason } : {}) });
    const request = ServiceRequestSchema.safeParse(await this.json(res, 201));
    if (!request.success) throw new OrderServiceUnavailableError('order API returned an invalid service request');
    return request.data;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    try {
      return await fetch(new URL(path.replace(/^\//, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new OrderServiceUnavailableError(
        `order API ${method} ${path} failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`,
        { cause: err },
      );
    }
  }

  private async json(res: Response, expected: number): Promise<unknown> {
    if (res.status !== expected) {
      await res.body?.cancel();
      throw new OrderServiceUnavailableError(`order API answered HTTP ${res.status}`);
    }
    const text = await readBounded(res, MAX_REPLY_BYTES);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new OrderServiceUnavailableError('order API answered with malformed JSON', { cause: err });
    }
  }
}

/** A customer's order list: bounded, strict — the same order schema as a single order. */
const CustomerOrdersReply = z.object({ orders: z.array(OrderSchema).max(50) }).strict();

/** An order is a few KiB: a reply past this is refused, not buffered (a 50 MB reply must not reach the customer). */
const MAX_REPLY_BYTES = 256 * 1024;

async function readBounded(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max) {
    await res.body?.cancel();
    throw new OrderServiceUnavailableError(`order API reply of ${String(declared)} bytes is over the ${String(max)}-byte limit`);
  }
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  // Read chunk by chunk, so a reply past the cap is cut before it is buffered.
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw new OrderServiceUnavailableError(`order API reply is over the ${String(max)}-byte limit`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
