import type { Activity, TurnContext } from 'botbuilder';
import { Router, type RequestHandler } from 'express';
import { formatZodIssues } from '../../kernel/errors';
import { sendError } from '../../kernel/http';
import type { TurnLock } from '../../infra/turnLock';
import type { KefuAdapter } from '../kefuAdapter';
import { IncomingActivity } from '../activitySchema';
import { requireJson } from './middleware';
import { isInternalServiceUrl, serviceUrlAllowed } from './serviceUrl';

export interface MessagesRouteDeps {
  adapter: KefuAdapter;
  turnLock: TurnLock;
  runBot: (context: TurnContext) => Promise<void>;
  modelReady: () => boolean;
  /** Refuses the request before the body is read (the channel secret outside development mode). */
  guards: RequestHandler[];
  serviceUrlAllowlist?: string[];
  /** Records the customer's message before its turn waits for the conversation (EarlyRecords). */
  recordEarly?: (activity: IncomingActivity) => Promise<void>;
}

/** `POST /api/messages`: the Bot Framework endpoint every channel posts activities to. */
export function messagesRoute(deps: MessagesRouteDeps): Router {
  const router = Router();
  router.post('/api/messages', ...deps.guards, requireJson, async (req, res) => {
    const activity = IncomingActivity.safeParse(req.body);
    if (!activity.success) return void sendError(res, 'invalid_body', formatZodIssues(activity.error));
    const allow = deps.serviceUrlAllowlist;
    if (allow && !serviceUrlAllowed(activity.data.serviceUrl, allow)) return void sendError(res, 'service_url_not_allowed');
    // kefu's own channels (its Direct Line, WeChat) mark their activities with a *.kefu.invalid
    // service URL; nobody may post one here and write into their logs.
    if (isInternalServiceUrl(activity.data.serviceUrl)) return void sendError(res, 'service_url_not_allowed');
    if (!deps.modelReady()) return void sendError(res, 'not_ready');
    // The lock covers the whole turn, the handoff gate included: with several instances a message
    // racing a handoff must see it (or be seen by it), never slip past it to the bot.
    await deps.turnLock.run(
      activity.data.conversation.id,
      () => deps.adapter.processValidated(req.headers.authorization ?? '', activity.data as unknown as Activity, res, deps.runBot),
      deps.recordEarly && (() => deps.recordEarly?.(activity.data) ?? Promise.resolve()),
    );
  });
  return router;
}
