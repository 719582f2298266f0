import { Router } from 'express';

interface InboxActivity {
  receivedAt: string;
  activity: Record<string, unknown>;
}

/**
 * Development mode only: a minimal Bot Framework channel inside kefu, so a newcomer using curl
 * can see what kefu sends outside the request/response (agent replies, queue notices, the survey).
 * Use `"serviceUrl": "http://localhost:3978/dev/inbox/"` and read `GET /dev/inbox/{conversationId}`.
 */
export function devInbox(maxConversations = 1000, maxPerConversation = 200): Router {
  const inbox = new Map<string, InboxActivity[]>();
  const router = Router();
  const receive = (conversationId: string, activity: Record<string, unknown>) => {
    let list = inbox.get(conversationId);
    if (!list) {
      list = [];
      inbox.set(conversationId, list);
      if (inbox.size > maxConversations) inbox.delete(inbox.keys().next().value as string);
    }
    list.push({ receivedAt: new Date().toISOString(), activity });
    if (list.length > maxPerConversation) list.shift();
  };
  const handler = (req: import('express').Request, res: import('express').Response) => {
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    receive(String(req.params.conversationId), body);
    res.status(200).json({ id: `inbox-${Date.now()}` });
  };
  router.post('/v3/conversations/:conversationId/activities', handler);
  router.post('/v3/conversations/:conversationId/activities/:activityId', handler);
  router.get('/:conversationId', (req, res) => {
    res.json({
      activities: (inbox.get(req.params.conversationId) ?? []).map((x) => ({
        receivedAt: x.receivedAt,
        type: x.activity.type,
        name: x.activity.name,
        text: x.activity.text,
      })),
    });
  });
  return router;
}
