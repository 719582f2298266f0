import type { Response } from 'express';

/** The open agent event streams of this instance, so shutdown can close them with a reconnect hint. */
export class EventStreams {
  private readonly open = new Set<Response>();

  add(res: Response): () => void {
    this.open.add(res);
    return () => this.open.delete(res);
  }

  get size(): number {
    return this.open.size;
  }

  /** Tells each console to reconnect (to another instance) in `retryMs`, and ends its stream. */
  closeAll(retryMs: number): void {
    for (const res of this.open) {
      res.write(`retry: ${String(retryMs)}\nevent: shutdown\ndata: {}\n\n`);
      res.end();
    }
    this.open.clear();
  }
}
