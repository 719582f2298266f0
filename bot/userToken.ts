import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChannelIdentity } from '../dialogs/turnInfo';

/**
 * The in-app IM's signed user token, carried in `channelData.userToken`:
 * base64url(JSON payload) "." base64url(HMAC-SHA256(USER_TOKEN_SECRET, first part)).
 * The payload names the user (`sub`) and expires (`exp`, Unix seconds).
 */
const Payload = z.object({
  sub: z.string().min(1).max(128),
  /** The conversation the token was issued for; when absent the token is bound to the first conversation that uses it. */
  cid: z.string().min(1).max(256).optional(),
  exp: z.number().int().positive(),
  iat: z.number().int().positive().optional(),
  name: z.string().max(64).optional(),
  vip: z.number().int().min(0).max(10).optional(),
});
export type UserTokenPayload = z.infer<typeof Payload>;

export function signUserToken(payload: UserTokenPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

export interface TokenRules {
  /** The longest a token may live (exp − iat, or exp − now without iat). */
  maxLifetimeMs: number;
  /** The conversation presenting the token: a token naming another (cid) is refused. */
  conversationId?: string;
}

/** Clocks differ a little: an iat this far in the future is still accepted. */
const CLOCK_SKEW_MS = 60_000;

export function verifyUserToken(token: unknown, secret: string, now: Date, rules: TokenRules = { maxLifetimeMs: 24 * 3600_000 }): ChannelIdentity {
  if (token === undefined || token === null || token === '') return { status: 'absent' };
  if (typeof token !== 'string' || token.length > 2048) return { status: 'invalid', reason: 'malformed' };
  const parts = token.split('.');
  const [body = '', signature = ''] = parts;
  if (parts.length !== 2 || !body || !signature) return { status: 'invalid', reason: 'malformed' };
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(signature);
  // Constant time: lengths are compared first only because timingSafeEqual requires equal lengths.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'invalid', reason: 'bad_signature' };
  let payload: UserTokenPayload;
  try {
    payload = Payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return { status: 'invalid', reason: 'malformed' };
  }
  if (payload.exp * 1000 <= now.getTime()) return { status: 'invalid', reason: 'expired' };
  if (payload.iat !== undefined && payload.iat * 1000 > now.getTime() + CLOCK_SKEW_MS) return { status: 'invalid', reason: 'not_yet_valid' };
  const issued = payload.iat !== undefined ? payload.iat * 1000 : now.getTime();
  if (payload.exp * 1000 - issued > rules.maxLifetimeMs) return { status: 'invalid', reason: 'too_long_lived' };
  if (payload.cid !== undefined && rules.conversationId !== undefined && payload.cid !== rules.conversationId)
    return { status: 'invalid', reason: 'other_conversation' };
  return {
    status: 'verified',
    user: { userId: payload.sub, name: payload.name, vip: payload.vip, expiresAt: new Date(payload.exp * 1000), conversationId: payload.cid },
  };
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
