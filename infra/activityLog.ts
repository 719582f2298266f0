/** A Direct Line conversation's activities, in order; the watermark is the count already read. */
export interface ActivityLog {
  append(conversationId: string, activity: Record<string, unknown>): Promise<number>;
  since(conversationId: string, watermark: number): Promise<{ activities: Array<Record<string, unknown>>; watermark: number }>;
}
