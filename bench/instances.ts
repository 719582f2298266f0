import { NO_RATE_LIMITS, startKefuProcess, type KefuProcess } from '../testkit/kefuProcess';
import { uniqueNamespace } from '../testkit/redisServer';

/** `store`: a Redis URL, or the environment naming the store (REDIS_CLUSTER_NODES…); `count` kefu processes share it under one fresh namespace. */
export function startInstances(store: string | Record<string, string>, count: number, label: string): Promise<KefuProcess[]> {
  const env = { ...(typeof store === 'string' ? { REDIS_URL: store } : store), REDIS_NAMESPACE: uniqueNamespace(label), LOG_LEVEL: 'error' };
  return Promise.all(Array.from({ length: count }, () => startKefuProcess({ ...NO_RATE_LIMITS, ...env })));
}
