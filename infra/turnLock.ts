/** Serialises the turns of one conversation. */
export interface TurnLock {
  run<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
}
