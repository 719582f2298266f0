import type { Storage } from 'botbuilder';
import type { EventBus } from '../handoff/events';
import type { HandoffStore } from '../handoff/store';
import type { ActivityLog } from './activityLog';
import type { KeyValueStore } from './kv';
import { MemoryActivityLog } from './memory/activityLog';
import { MemoryEventBus } from './memory/eventBus';
import { MemoryHandoffStore } from './memory/handoffStore';
import { MemoryKeyValueStore } from './memory/kv';
import { BoundedMemoryStorage } from './memory/storage';
import { LocalTurnLock } from './memory/turnLock';
import { RedisActivityLog } from './redis/activityLog';
import { checkEvictionPolicy, checkPersistence, createRedis, isRedisUnavailable } from './redis/connection';
import { RedisEventBus } from './redis/eventBus';
import { RedisHandoffStore } from './redis/handoffStore';
import { RedisKeyValueStore } from './redis/kv';
import { RedisStorage } from './redis/storage';
import { RedisTurnLock } from './redis/turnLock';
import type { TurnLock } from './turnLock';

/** The settings the backend reads (a subset of the validated environment). */
export interface BackendSettings {
  REDIS_URL?: string;
  /** A Redis Cluster's seed nodes (instead of REDIS_URL). */
  REDIS_CLUSTER_NODES?: ReadonlyArray<{ host: string; port: number }>;
  REDIS_NAMESPACE: string;
  REDIS_COMMAND_TIMEOUT_MS: number;
  HANDOFF_LEASE_MS: number;
  STATE_TTL_SECONDS: number;
  STATE_MAX_CONVERSATIONS: number;
  TRANSCRIPT_MAX_ENTRIES: number;
  HANDOFF_RETENTION_DAYS: number;
}

/** Everything kefu keeps, on one backend: every instance on one Redis, or one process in memory. */
export interface Backend {
  kind: 'redis' | 'memory';
  store: HandoffStore;
  events: EventBus;
  /** botbuilder's conversation state. */
  storage: Storage;
  turnLock: TurnLock;
  activityLog: ActivityLog;
  kv: KeyValueStore;
  /** Resolves to a problem with the backend found at start-up (e.g. an eviction policy), if any. */
  check(): Promise<string | undefined>;
  /** Risks worth a warning at start-up (e.g. a Redis that persists nothing). */
  warnings(): Promise<string[]>;
  /** Whether an error means the backend did not answer (503 + Retry-After), not a bug. */
  isUnavailable(err: unknown): boolean;
  close(): Promise<void>;
}

export interface BackendHooks {
  onError(context: string, err: unknown): void;
  /** Replaces botbuilder's storage (tests). */
  storage?: Storage;
}

export function createBackend(settings: BackendSettings, hooks: BackendHooks): Backend {
  const target = settings.REDIS_CLUSTER_NODES ? { clusterNodes: settings.REDIS_CLUSTER_NODES } : settings.REDIS_URL ? { url: settings.REDIS_URL } : undefined;
  if (target) {
    const redis = createRedis(target, { commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS });
    redis.on('error', (err: Error) => hooks.onError('redis connection', err));
    const store = new RedisHandoffStore(redis, {
      namespace: settings.REDIS_NAMESPACE,
      ttlSeconds: settings.STATE_TTL_SECONDS,
      transcriptEntries: settings.TRANSCRIPT_MAX_ENTRIES,
      closedRetentionSeconds: settings.HANDOFF_RETENTION_DAYS * 86400,
      leaseMs: settings.HANDOFF_LEASE_MS,
    });
    const events = new RedisEventBus(store.redis, store.keys.events, (err) => hooks.onError('event bus', err), {
      readerName: 'kefu-events',
    });
    return {
      kind: 'redis',
      store,
      events,
      storage: hooks.storage ?? new RedisStorage(store.redis, store.keys, settings.STATE_TTL_SECONDS),
      turnLock: new RedisTurnLock(store.redis, store.keys),
      activityLog: new RedisActivityLog(store.redis, store.keys, settings.STATE_TTL_SECONDS),
      kv: new RedisKeyValueStore(store.redis, store.keys),
      check: () => checkEvictionPolicy(redis),
      warnings: async () => [await checkPersistence(redis)].filter((w): w is string => w !== undefined),
      isUnavailable: isRedisUnavailable,
      close: async () => {
        await events.dispose();
        await store.dispose();
      },
    };
  }
  const store = new MemoryHandoffStore({
    transcriptEntries: settings.TRANSCRIPT_MAX_ENTRIES,
    conversations: settings.STATE_MAX_CONVERSATIONS,
    leaseMs: settings.HANDOFF_LEASE_MS,
  });
  const events = new MemoryEventBus();
  return {
    kind: 'memory',
    store,
    events,
    storage: hooks.storage ?? new BoundedMemoryStorage(settings.STATE_MAX_CONVERSATIONS, settings.STATE_TTL_SECONDS * 1000),
    turnLock: new LocalTurnLock(),
    activityLog: new MemoryActivityLog(settings.STATE_MAX_CONVERSATIONS),
    kv: new MemoryKeyValueStore(),
    check: async () => undefined,
    warnings: async () => [],
    isUnavailable: () => false,
    close: async () => {
      await events.dispose();
      await store.dispose();
    },
  };
}
