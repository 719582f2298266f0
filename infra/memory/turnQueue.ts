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

  get pending(): number {
    return this.tails.size;
  }
}
