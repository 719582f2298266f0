import { Router } from 'express';
import { z } from 'zod';
import { formatZodIssues } from '../../kernel/errors';
import { sendError } from '../../kernel/http';
import { normaliseLocale } from '../../kernel/locale';
import type { KefuRecognizer } from '../../nlu/recognizer';
import { intentSignalOf, type RiskScanner } from '../../nlu/risk';
import { requireJson } from './middleware';

export const ParseRequest = z
  .object({
    text: z.string().min(1, 'text must not be empty').max(2000, 'text longer than 2000 characters'),
    locale: z
      .string()
      .max(32)
      .optional()
      .refine((l) => l === undefined || normaliseLocale(l) !== undefined, 'locale must be zh-CN or en'),
  })
  .strict();

/**
 * `POST /api/nlu/parse`: what the NLU makes of a text (intent, entities, emotion, risk). `guard`
 * (production) lets through only the channel secret or an agent token: the model is not a public
 * oracle for probing the risk scanner.
 */
export function nluParseRoute(recognizer: KefuRecognizer, risk: RiskScanner, guard?: (bearer: string) => boolean): Router {
  const router = Router();
  router.post('/api/nlu/parse', requireJson, async (req, res) => {
    if (guard) {
      const m = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '');
      if (!m || !guard(m[1].trim())) return void sendError(res, 'unauthorized', 'Authorization: Bearer <BOT_CHANNEL_SECRET or an agent token> required');
    }
    const body = ParseRequest.safeParse(req.body);
    if (!body.success) return void sendError(res, 'invalid_body', formatZodIssues(body.error));
    if (!recognizer.ready) return void sendError(res, 'not_ready');
    const locale = normaliseLocale(body.data.locale);
    const result = await recognizer.recognize(body.data.text, locale ? { locale } : {});
    res.json({ ...result, risk: risk.scan(body.data.text, intentSignalOf(result)) });
  });
  return router;
}
