import { z } from 'zod';
import { ConfigError } from '../kernel/configError';
import { fromRoot } from '../kernel/paths';
import { DemoOrderService, DemoOrdersFile, resolveRelativeTimes } from '../orders/demoOrderService';
import { HttpOrderService } from '../orders/httpOrderService';
import type { OrderService } from '../orders/orderService';
import { loadJsonFile, type Env } from './config';

/** The order API when ORDER_SERVICE_URL is set; else the demo orders, their times relative to `now`. */
export function createOrderService(env: Env, now: Date): OrderService {
  if (env.ORDER_SERVICE_URL) {
    return new HttpOrderService({ baseUrl: env.ORDER_SERVICE_URL, timeoutMs: env.ORDER_SERVICE_TIMEOUT_MS, token: env.ORDER_SERVICE_TOKEN });
  }
  const raw = loadJsonFile(fromRoot(env.DEMO_ORDERS_FILE), z.unknown());
  const parsed = DemoOrdersFile.safeParse(resolveRelativeTimes(raw, now));
  if (!parsed.success) throw ConfigError.fromZod(`file ${env.DEMO_ORDERS_FILE}`, parsed.error);
  return new DemoOrderService(parsed.data.orders);
}
