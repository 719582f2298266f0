/** Serialises the turns of one conversation. */
export interface TurnLock {
  /**
   * Runs `work` alone for the conversation. `onWait` runs once, before waiting, when another turn of
   * the conversation holds it (the caller records what must not wait, e.g. the customer's message).
   */
  run<T>(conversationId: string, work: () => Promise<T>, onWait?: () => Promise<void>): Promise<T>;
}
