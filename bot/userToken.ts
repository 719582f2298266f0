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

export function verifyUserToken(token: unknown, secret: string, now: Date): ChannelIdentity {
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
  return { status: 'verified', user: { userId: payload.sub, name: payload.name, vip: payload.vip, expiresAt: new Date(payload.exp * 1000) } };
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
