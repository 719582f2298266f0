import { Router } from 'express';

/** Liveness (the process answers) and readiness (the model is loaded and the store answers). */
export function healthRoutes(checks: { model: () => boolean; store: () => Promise<boolean> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = { model: checks.model(), store: await checks.store() };
    const ready = result.model && result.store;
    res.status(ready ? 200 : 503).json({ ready, checks: result });
  });
  return router;
}
