import type { Logger } from './log';

/**
 * Runs `work` every `everyMs`, never two at once (a slow round is not overlapped by the next), and
 * logs a round that fails instead of letting it escape the timer. The timer does not keep the
 * process alive.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly everyMs: number,
    private readonly work: () => Promise<void>,
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.work();
    } catch (err) {
      this.log.error(this.failure, { error: String(err) });
    } finally {
      this.running = false;
    }
  }
}
