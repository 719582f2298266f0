/** Who has a conversation open on their screen right now: for the collision warning. */
export interface Viewers {
  /** Marks `agentId` as viewing for `forMs` and answers the others viewing now. */
  touch(handoffId: string, agentId: string, now: number, forMs: number): Promise<string[]>;
  leave(handoffId: string, agentId: string): Promise<void>;
}
