/**
 * Runs the turns of one conversation one after another. BotState.saveChanges writes with eTag
 * `*`, so two concurrent turns of a conversation would silently overwrite each other's state.
 * (Across several instances this needs a distributed lock; that arrives with the Redis store.)
 */
export class TurnQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether a turn of this conversation is running or queued. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  get pending(): number {
    return this.tails.size;
  }
}
