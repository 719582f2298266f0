import type { z } from 'zod';

/**
 * Every error a client of kefu's HTTP API can see: its code, HTTP status and message template.
 * One file, so the README's error table can be checked against it (test/unit/errorCatalogue.test.ts).
 * `{detail}` in a template is filled by the caller (a field list, a rule, a reason).
 */
export const ERRORS = {
  malformed_json: { status: 400, message: 'the body is not valid JSON' },
  invalid_body: { status: 400, message: '{detail}' },
  bad_request: { status: 400, message: '{detail}' },
  unknown_agent: { status: 400, message: 'no such agent' },
  unauthorized: { status: 401, message: '{detail}' },
  forbidden: { status: 403, message: '{detail}' },
  not_yours: { status: 403, message: '{detail}' },
  service_url_not_allowed: { status: 403, message: 'serviceUrl is not in SERVICE_URL_ALLOWLIST' },
  not_found: { status: 404, message: '{detail}' },
  not_queued: { status: 409, message: 'cannot {detail}: the handoff is not queued' },
  at_capacity: { status: 409, message: 'cannot {detail}: the agent is at capacity' },
  closed: { status: 409, message: 'cannot {detail}: the handoff is closed' },
  not_held: { status: 409, message: 'cannot {detail}: no agent holds this conversation' },
  customer_unreachable: { status: 409, message: 'the customer cannot be reached on their channel: {detail}' },
  reload_in_progress: { status: 409, message: 'a reload is already running' },
  payload_too_large: { status: 413, message: 'the body is larger than MAX_BODY_BYTES' },
  unsupported_media_type: { status: 415, message: 'send the body as JSON (Content-Type: application/json)' },
  compliance: { status: 422, message: 'the reply contains forbidden phrases: {detail}' },
  rate_limited: { status: 429, message: 'too many requests ({detail}); retry after the Retry-After seconds' },
  invalid_config: { status: 422, message: '{detail}' },
  internal: { status: 500, message: 'internal error' },
  not_ready: { status: 503, message: 'the NLU model is still loading; retry shortly' },
  shutting_down: { status: 503, message: 'this instance is shutting down; retry on another' },
  store_unavailable: { status: 503, message: 'the store is not answering; retry shortly' },
  // Direct Line 3.0's own codes (the protocol's clients read them): kept as the protocol names them.
  BadArgument: { status: 400, message: '{detail}' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error a handler can throw; the HTTP layer turns it into `{error: {code, message}}` with the catalogue's status. */
export class KefuError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra?: Record<string, unknown>,
    status?: number,
  ) {
    super(errorMessage(code, detail));
    this.name = 'KefuError';
    this.status = status ?? ERRORS[code].status;
  }
}

export function errorMessage(code: ErrorCode, detail?: string): string {
  return ERRORS[code].message.replace('{detail}', detail ?? code);
}

/** zod issues as one line naming each field: "text: must not be empty; locale: …". */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}
