import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { sendError } from '../kernel/http';
import { fromRoot } from '../kernel/paths';

/** Strict: only kefu's own scripts, styles and connections; nothing inline, nothing framed. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageOptions {
  /** Whether /chat may hand out Direct Line tokens to anonymous visitors (the demo web chat). */
  webchatPublic: boolean;
  issueChatToken?: (userId: string) => { token: string; conversationId: string };
}

/** The customer web chat (/chat) and the agent console (/console), served as static files. */
export function pageRoutes(options: PageOptions): Router {
  const router = Router();
  router.use(['/chat', '/console'], (_req, res, next) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  const file = (res: Response, path: string) => res.sendFile(fromRoot(path));

  router.get('/chat', (_req, res) => file(res, 'bot/webchat/index.html'));
  router.get('/chat/chat.css', (_req, res) => file(res, 'bot/webchat/chat.css'));
  router.get('/chat/chat.js', (_req, res) => file(res, 'dist/web/bot/webchat/chat.js'));
  router.post('/chat/token', (_req, res) => {
    if (!options.webchatPublic || !options.issueChatToken) {
      sendError(res, 'forbidden', 'the demo web chat hands out tokens only in development mode or with WEBCHAT_PUBLIC=true');
      return;
    }
    const userId = `web-${randomUUID().slice(0, 12)}`;
    res.json({ ...options.issueChatToken(userId), userId });
  });

  router.get('/favicon.ico', (_req, res) => void res.status(204).end());
  router.get('/console', (_req, res) => file(res, 'handoff/console/index.html'));
  router.get('/console/console.css', (_req, res) => file(res, 'handoff/console/console.css'));
  router.get('/console/console.js', (_req, res) => file(res, 'dist/web/handoff/console/console.js'));
  // Chart.js, served from the npm package as is (no CDN: the page's CSP allows only its own scripts).
  router.get('/console/chart.js', (_req, res) => file(res, 'node_modules/chart.js/dist/chart.umd.min.js'));
  router.get('/console/i18n.js', (_req, res) => file(res, 'dist/web/handoff/console/i18n.js'));
  return router;
}
