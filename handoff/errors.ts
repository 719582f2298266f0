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
