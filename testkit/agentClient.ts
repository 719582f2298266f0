import type { ContextPacket } from '../handoff/contextPacket';

/** What the agent API answered: its status, and its JSON body (undefined when empty) for the caller to read as the shape it expects. */
export interface AgentResponse {
  status: number;
  body: unknown;
}

/**
 * The agent API's JSON for one handoff (the handoff view, plus `packet` and `transcript` on GET /handoffs/:id),
 * as far as tests and benchmarks read it: they cast `AgentResponse.body` to the shape they expect.
 */
export interface HandoffJson {
  id: string;
  conversationId: string;
  status: string;
  group: string;
  priority: string;
  createdAt: string;
  waitingSeconds: number;
  customer: { id: string };
  transfers: Array<{ toGroup: string }>;
  customerNotified?: boolean;
  packet: ContextPacket;
}

/** A list of handoffs: GET /handoffs (the agent's own) and GET /queue (its head, with the whole queue counted per group and priority). */
export interface HandoffListJson {
  items: HandoffJson[];
  byGroup: Record<string, Record<string, number>>;
  waiting?: number;
  callbacks?: number;
}

/** An error answer of the agent API. */
export interface ApiErrorJson {
  error: { code: string; message: string; channelCode?: string };
}

export interface LiveEvent {
  type: string;
  handoffId: string;
  conversationId: string;
  [k: string]: unknown;
}

/** An agent's side over real HTTP: the /agent/v1 API and its live event stream. */
export class AgentClient {
  readonly events: LiveEvent[] = [];
  private abort?: AbortController;
  private waiters: Array<{ match: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }> = [];

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<AgentResponse> {
    const res = await fetch(`${this.baseUrl}/agent/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  online(): Promise<AgentResponse> {
    return this.call('PUT', '/presence', { status: 'online' });
  }

  /** Opens the SSE stream; resolves once connected. */
  async listen(): Promise<void> {
    this.abort = new AbortController();
    const res = await fetch(`${this.baseUrl}/agent/v1/events`, { headers: { authorization: `Bearer ${this.token}` }, signal: this.abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`events: HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = chunk.split('\n').find((l) => l.startsWith('data: '));
            if (!data) continue;
            const event = JSON.parse(data.slice(6)) as LiveEvent;
            this.events.push(event);
            this.waiters = this.waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  waitFor(match: (e: LiveEvent) => boolean, timeoutMs = 5000): Promise<LiveEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching live event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /**
   * When (performance.now()) a matching event arrives: a latency bench's end mark. Awaiting the
   * request that caused it as well would measure that whole request instead (a close's paperwork,
   * the rest of a customer's turn) when the event leaves before it ends.
   */
  async arrivalOf(match: (e: LiveEvent) => boolean, timeoutMs = 5000): Promise<number> {
    await this.waitFor(match, timeoutMs);
    return performance.now();
  }

  stop(): void {
    this.abort?.abort();
  }
}
