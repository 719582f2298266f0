/** A new handoff's id is already another handoff's (the store refused to open it over that one). */
export class HandoffIdTakenError extends Error {
  constructor(readonly id: string) {
    super(`handoff id ${id} is taken`);
    this.name = 'HandoffIdTakenError';
  }
}

/** The customer's channel refused a message (e.g. WeChat's 48-hour window or quota). */
export class CustomerUnreachableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CustomerUnreachableError';
  }
}
