import type { Redis } from './connection';
import { HandoffEvent, type EventBus } from '../../handoff/events';
import { MemoryEventBus } from '../memory/eventBus';

export interface RedisEventBusOptions {
  /** The stream keeps about this many of the latest events (XADD MAXLEN ~). */
  maxLength?: number;
  /** How long one read waits for new events; kept below the connection's command timeout. */
  blockMs?: number;
  /** Names the reading connection (CLIENT LIST), so an operator — or a test — can find it. */
  readerName?: string;
}

/**
 * Many processes: every event is appended to a Redis stream, and each instance reads the stream from
 * the last entry it has seen, so an agent connected to any instance hears every event. A stream,
 * not pub/sub: an instance whose reading connection drops (a Redis restart, a network blip) picks up
 * where it left off when it reconnects, instead of missing what was published in between — with
 * pub/sub, the customer's first message after a Redis restart could reach the store and never the
 * agent on another instance.
 */
export class RedisEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private readonly reader: Redis;
  private readonly maxLength: number;
  private readonly blockMs: number;
  /** The id of the last entry handed on; undefined until the stream's tail is known. */
  private lastId: string | undefined;
  /** Set when the reading connection came back: the stream may have been reset meanwhile. */
  private resync = false;
  private stopped = false;
  private readonly loop: Promise<void>;
  private started!: () => void;
  /** Resolves once the reader knows where the stream ends: events published from then on are heard. */
  readonly ready = new Promise<void>((resolve) => (this.started = resolve));

  constructor(
    private readonly publisher: Redis,
    private readonly key: string,
    private readonly onError: (err: unknown) => void,
    options: RedisEventBusOptions = {},
  ) {
    this.maxLength = options.maxLength ?? 10_000;
    const timeout = commandTimeoutOf(publisher);
    this.blockMs = options.blockMs ?? Math.max(10, Math.min(1000, timeout === undefined ? 1000 : Math.floor(timeout / 2)));
    this.reader = publisher.duplicate();
    this.reader.on('error', () => undefined); // the main connection reports Redis being away; reads are retried below
    // On every connect, the first included: the name again, and a check that the stream is the same.
    this.reader.on('ready', () => {
      this.resync = true;
      if (options.readerName) void this.reader.client('SETNAME', options.readerName).catch(() => undefined);
    });
    this.loop = this.read();
  }

  async publish(event: HandoffEvent): Promise<void> {
    await this.publisher.xadd(this.key, 'MAXLEN', '~', String(this.maxLength), '*', 'e', JSON.stringify(event));
  }

  subscribe(listener: (event: HandoffEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    this.reader.disconnect();
    await this.loop;
    await this.local.dispose();
  }

  private async read(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.lastId === undefined) {
          this.lastId = (await this.tail()) ?? '0-0';
          this.started();
        } else if (this.resync) {
          this.resync = false;
          // A stream whose newest entry is older than the last one seen was recreated (a Redis that
          // kept nothing): all it holds is new.
          const tail = await this.tail();
          if (tail === undefined || compareIds(tail, this.lastId) < 0) this.lastId = '0-0';
        }
        const reply = await this.reader.xread('COUNT', 500, 'BLOCK', this.blockMs, 'STREAMS', this.key, this.lastId);
        failures = 0;
        for (const [id, fields] of entriesOf(reply)) {
          this.lastId = id;
          this.deliver(fields);
        }
      } catch (err) {
        if (this.halted()) return;
        // Redis away or a read timed out: the next read starts from the last entry handed on.
        if (!(err instanceof Error && err.message.includes('Command timed out'))) failures += 1;
        if (failures === 1) this.onError(err);
        await new Promise((r) => setTimeout(r, Math.min(50 * failures, 1000)));
      }
    }
  }

  /** Read afresh (dispose may have run while a read was pending). */
  private halted(): boolean {
    return this.stopped;
  }

  private deliver(fields: string[]): void {
    // Each entry is written as the one field "e" holding the event's JSON.
    const parsed = HandoffEvent.safeParse(fields[0] === 'e' ? safeJson(fields[1]) : undefined);
    if (parsed.success) void this.local.publish(parsed.data);
    else this.onError(new Error(`ignored a malformed event on ${this.key}`));
  }

  private async tail(): Promise<string | undefined> {
    const last = await this.reader.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return last[0]?.[0];
  }
}

/** XREAD's reply for one stream, checked: [[key, [[id, [field, value, …]], …]]] or null. */
function entriesOf(reply: unknown): Array<[string, string[]]> {
  if (!Array.isArray(reply)) return [];
  const stream: unknown = reply[0];
  if (!Array.isArray(stream) || !Array.isArray(stream[1])) return [];
  const out: Array<[string, string[]]> = [];
  for (const entry of stream[1] as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
    const fields = (entry[1] as unknown[]).filter((f): f is string => typeof f === 'string');
    out.push([entry[0], fields]);
  }
  return out;
}

/** The connection's command timeout (a cluster keeps it in its nodes' options). */
function commandTimeoutOf(redis: Redis): number | undefined {
  const options = redis.options as { commandTimeout?: number; redisOptions?: { commandTimeout?: number } } | undefined;
  return options?.commandTimeout ?? options?.redisOptions?.commandTimeout;
}

/** Orders two stream ids ("ms-seq"). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

function safeJson(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
