import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * kefu's HTTP server, whose requests and responses are born with the express app's prototypes.
 *
 * Express otherwise calls `Object.setPrototypeOf` on every request and response. In V8 that makes a
 * good share of each request's short-lived objects survive young-generation collections: a bare
 * express 5 app keeps 17% of what it allocates past a scavenge, against 0.6% when its requests are
 * born right (`node --trace-gc-nvp`, BENCHMARKS.md). Every scavenge copies them and then promotes
 * them, so scavenges take 5–9 ms instead of under one: the pauses behind the handoff p99. Born with
 * the app's prototype, express's own `setPrototypeOf` finds nothing to change.
 *
 * Call it once per app: the app's request and response prototypes become these classes'.
 */
export function createKefuServer(app: Express): Server {
  class KefuRequest extends IncomingMessage {}
  class KefuResponse extends ServerResponse<KefuRequest> {}
  // Same chain as express builds (app.request → express's request → IncomingMessage), one link longer.
  Object.setPrototypeOf(KefuRequest.prototype, app.request);
  Object.setPrototypeOf(KefuResponse.prototype, app.response);
  app.request = KefuRequest.prototype as unknown as Express['request'];
  app.response = KefuResponse.prototype as unknown as Express['response'];
  return createServer({ IncomingMessage: KefuRequest, ServerResponse: KefuResponse }, app);
}
