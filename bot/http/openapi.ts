import { z } from 'zod';
import { AGENT_REQUEST_BODIES } from '../../handoff/agentApi';
import { ERRORS, type ErrorCode } from '../../kernel/errors';
import { ParseRequest } from './nluParse';

type Method = 'get' | 'post' | 'put' | 'delete';

/** One route of the agent API (mounted at /agent/v1) or of /api, as the document describes it. */
interface RouteDoc {
  method: Method;
  /** OpenAPI style: /handoffs/{id}. */
  path: string;
  summary: string;
  body?: z.ZodType;
  /** The success status and what it carries. */
  ok: [number, string];
  errors: ErrorCode[];
  /** Supervisors only. */
  supervisor?: boolean;
}

const H = ['unauthorized', 'not_found', 'not_yours'] as const satisfies readonly ErrorCode[];

/**
 * Every agent API route. `test/unit/openapi.test.ts` checks this list against the routes the
 * router really has, both ways, so the document cannot fall behind the code.
 */
export const AGENT_ROUTES: readonly RouteDoc[] = [
  { method: 'get', path: '/me', summary: 'The agent, presence and load', ok: [200, 'the agent'], errors: ['unauthorized'] },
  {
    method: 'put',
    path: '/presence',
    summary: 'Set presence: online brings waiting chats at once; offline gives the agent’s chats back',
    body: AGENT_REQUEST_BODIES.Presence,
    ok: [200, 'the new presence'],
    errors: ['unauthorized', 'invalid_body'],
  },
  { method: 'post', path: '/heartbeat', summary: 'The console is alive', ok: [204, 'noted'], errors: ['unauthorized'] },
  {
    method: 'post',
    path: '/events/ticket',
    summary: 'A single-use ticket for the event stream (EventSource cannot send a header)',
    ok: [200, '{ticket, expiresInSeconds}'],
    errors: ['unauthorized'],
  },
  { method: 'get', path: '/events', summary: 'Server-sent events (?ticket=, or the bearer token)', ok: [200, 'text/event-stream'], errors: ['unauthorized'] },
  {
    method: 'get',
    path: '/queue',
    summary:
      'The head of the queue in the agent’s groups (the first 100 waiting, most urgent first, then the first callback tickets), and the whole queue counted',
    ok: [200, '{items, byGroup, waiting, callbacks}'],
    errors: ['unauthorized'],
  },
  {
    method: 'post',
    path: '/queue/next',
    summary: 'Claim the next one in the agent’s groups',
    ok: [200, 'the handoff (204: nothing waiting)'],
    errors: ['unauthorized'],
  },
  { method: 'get', path: '/handoffs', summary: 'The agent’s open conversations', ok: [200, '{items}'], errors: ['unauthorized'] },
  { method: 'get', path: '/handoffs/{id}', summary: 'A handoff, its context packet and the live transcript', ok: [200, 'the handoff'], errors: [...H] },
  {
    method: 'get',
    path: '/handoffs/{id}/history',
    summary: 'The customer’s earlier handoffs, newest first',
    ok: [200, '{items}'],
    errors: [...H],
  },
  { method: 'post', path: '/handoffs/{id}/accept', summary: 'The dispatched chat is on the agent’s screen', ok: [200, 'the handoff'], errors: [...H] },
  {
    method: 'get',
    path: '/handoffs/{id}/suggestions',
    summary: 'Knowledge-base answers for the customer’s last message',
    ok: [200, '{forText, suggestions}'],
    errors: [...H],
  },
  {
    method: 'post',
    path: '/compliance/check',
    summary: 'The forbidden phrases in a draft reply',
    body: AGENT_REQUEST_BODIES.Message,
    ok: [200, '{violations}'],
    errors: ['unauthorized', 'invalid_body'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/claim',
    summary: 'Claim a waiting handoff',
    ok: [200, 'the handoff, customerNotified'],
    errors: [...H, 'not_queued', 'at_capacity'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/messages',
    summary: 'Reply to the customer (Idempotency-Key honoured)',
    body: AGENT_REQUEST_BODIES.Message,
    ok: [202, '{delivered}'],
    errors: [...H, 'invalid_body', 'compliance', 'customer_unreachable'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/transfer',
    summary: 'To another group’s queue or agent; the customer is told once',
    body: AGENT_REQUEST_BODIES.Transfer,
    ok: [200, 'the handoff'],
    errors: [...H, 'invalid_body', 'unknown_agent', 'at_capacity', 'closed'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/escalate',
    summary: 'To the escalation group; the customer is told once',
    body: AGENT_REQUEST_BODIES.Escalate,
    ok: [200, 'the handoff'],
    errors: [...H, 'invalid_body', 'closed'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/close',
    summary: 'Close; the conversation returns to the bot, which asks for the survey',
    body: AGENT_REQUEST_BODIES.Close,
    ok: [200, 'the handoff, customerNotified'],
    errors: [...H, 'invalid_body', 'closed'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/notes',
    summary: 'An internal note (never sent to the customer)',
    body: AGENT_REQUEST_BODIES.Note,
    ok: [201, '{added}'],
    errors: [...H, 'invalid_body', 'closed'],
  },
  {
    method: 'post',
    path: '/handoffs/{id}/whisper',
    summary: 'A note only the agent holding the conversation sees',
    body: AGENT_REQUEST_BODIES.Note,
    ok: [201, '{to}'],
    errors: [...H, 'forbidden', 'invalid_body', 'not_held'],
    supervisor: true,
  },
  {
    method: 'post',
    path: '/handoffs/{id}/barge',
    summary: 'Take the conversation over (its agent is told)',
    ok: [200, 'the handoff'],
    errors: [...H, 'forbidden', 'at_capacity', 'closed'],
    supervisor: true,
  },
  {
    method: 'post',
    path: '/handoffs/{id}/viewing',
    summary: 'Mark the conversation as on screen; answers who else has it open',
    ok: [200, '{others}'],
    errors: [...H],
  },
  { method: 'delete', path: '/handoffs/{id}/viewing', summary: 'No longer on screen', ok: [204, 'noted'], errors: ['unauthorized'] },
  { method: 'get', path: '/canned', summary: 'Canned replies: the operator’s and the agent’s own', ok: [200, '{shared, mine}'], errors: ['unauthorized'] },
  {
    method: 'put',
    path: '/canned/mine',
    summary: 'Replace the agent’s own canned replies',
    body: AGENT_REQUEST_BODIES.OwnCannedReplies,
    ok: [200, '{replies}'],
    errors: ['unauthorized', 'invalid_body', 'compliance'],
  },
  {
    method: 'post',
    path: '/admin/reload',
    summary: 'Re-read the content files and retrain, without a restart',
    ok: [200, '{intents, model}'],
    errors: ['unauthorized', 'forbidden', 'invalid_config', 'reload_in_progress'],
    supervisor: true,
  },
  {
    method: 'get',
    path: '/supervisor',
    summary: 'Queues, agents, urgent waits, SLA breaches, live conversations, flagged surveys',
    ok: [200, 'the floor'],
    errors: ['unauthorized', 'forbidden'],
    supervisor: true,
  },
  {
    method: 'get',
    path: '/supervisor/charts',
    summary: 'The last 24 hours, hour by hour: handoffs by reason, queue depth by group, time to agent, SLA attainment; CSAT per dimension',
    ok: [200, 'the charts'],
    errors: ['unauthorized', 'forbidden'],
    supervisor: true,
  },
];

const NLU_PARSE: RouteDoc = {
  method: 'post',
  path: '/api/nlu/parse',
  summary: 'What the NLU makes of a text: intent, entities, emotion, risk {level, category, score, matched, source}',
  body: ParseRequest,
  ok: [200, 'the reading'],
  errors: ['invalid_body', 'unauthorized', 'not_ready', 'rate_limited'],
};

/** The JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a client sends: the same zod schema that validates it. */
function requestSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function operation(route: RouteDoc, security: Array<Record<string, string[]>>): Record<string, unknown> {
  const responses: Record<string, unknown> = { [String(route.ok[0])]: { description: route.ok[1] } };
  for (const code of route.errors) {
    const status = String(ERRORS[code].status);
    const known = responses[status] as { description: string } | undefined;
    responses[status] = {
      description: known ? `${known.description}, ${code}` : code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    summary: route.supervisor ? `${route.summary} (supervisors)` : route.summary,
    security,
    ...(route.path.includes('{id}') ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: requestSchema(route.body) } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the agent API and /api/nlu/parse (served at /agent/v1/openapi.json). */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of AGENT_ROUTES) (paths[`/agent/v1${r.path}`] ??= {})[r.method] = operation(r, [{ agentToken: [] }]);
  paths[NLU_PARSE.path] = { [NLU_PARSE.method]: operation(NLU_PARSE, [{}, { agentToken: [] }, { channelSecret: [] }]) };
  return {
    openapi: '3.1.0',
    info: { title: 'kefu agent API', version: '1.0.0', description: 'Agents and supervisors; errors come from one catalogue (kernel/errors.ts).' },
    paths,
    components: {
      securitySchemes: {
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent token from AGENTS_FILE' },
        channelSecret: { type: 'http', scheme: 'bearer', description: 'BOT_CHANNEL_SECRET (production)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', enum: Object.keys(ERRORS) }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  };
}
