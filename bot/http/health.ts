import { Router } from 'express';

/** `/readyz` answers within this, whatever the store does: a stalled Redis is a 503, not a hang. */
const READY_BUDGET_MS = 800;

/**
 * Liveness (the process answers) and readiness: the model is loaded, the store answers in time,
 * and the instance is not draining after SIGTERM.
 */
export function healthRoutes(checks: { model: () => boolean; store: () => Promise<boolean>; draining: () => boolean }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    const store = await Promise.race([
      checks.store().catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), READY_BUDGET_MS);
      }),
    ]);
    clearTimeout(timer);
    const result = { model: checks.model(), store, draining: checks.draining() };
    const ready = result.model && result.store && !result.draining;
    res.status(ready ? 200 : 503).json({ ready, checks: result });
  });
  return router;
}
