import { randomUUID } from 'node:crypto';

export interface ReplyActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
}

export interface ClientOptions {
  userId?: string;
  locale?: string;
  channelData?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A Bot Framework channel that asks for replies in the response body (deliveryMode expectReplies). */
export class BotClient {
  readonly conversationId = `conv-${randomUUID()}`;

  constructor(
    private readonly baseUrl: string,
    private readonly options: ClientOptions = {},
  ) {}

  activity(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type,
      id: randomUUID(),
      channelId: 'test',
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: this.options.userId ?? 'customer-1', name: 'Customer' },
      recipient: { id: 'kefu-bot', name: 'kefu' },
      conversation: { id: this.conversationId },
      locale: this.options.locale,
      deliveryMode: 'expectReplies',
      ...(this.options.channelData ? { channelData: this.options.channelData } : {}),
      ...extra,
    };
  }

  async post(body: unknown): Promise<{ status: number; activities: ReplyActivity[] }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as { activities?: ReplyActivity[] }) : {};
    return { status: res.status, activities: parsed.activities ?? [] };
  }

  /** Sends a message and returns the bot's reply texts joined (one turn). */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { status, activities } = await this.post(this.activity('message', { text, ...extra }));
    if (status !== 200) throw new Error(`HTTP ${status} for "${text}"`);
    return activities
      .filter((a) => a.type === 'message')
      .map((a) => a.text ?? '')
      .join('\n');
  }

  async sayFull(text: string): Promise<ReplyActivity[]> {
    const { activities } = await this.post(this.activity('message', { text }));
    return activities.filter((a) => a.type === 'message');
  }
}
