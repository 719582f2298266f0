import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { secretsEqual } from '../channelAuth';

const Claims = z.object({ conv: z.string().min(1), user: z.string().optional(), exp: z.number().int() });
export type DirectLineClaims = z.infer<typeof Claims>;

export type DirectLineAuth = { kind: 'secret' } | { kind: 'token'; claims: DirectLineClaims };

/**
 * Direct Line's two credentials: the secret (server to server: any conversation) and short-lived
 * tokens bound to one conversation, which an app's back end obtains with the secret and hands to
 * its client. Tokens are HMAC-signed with a key derived from the secret.
 */
export class DirectLineCredentials {
  private readonly key: Buffer;

  constructor(
    private readonly secret: string,
    readonly tokenTtlSeconds = 3600,
  ) {
    this.key = createHmac('sha256', secret).update('kefu direct line tokens').digest();
  }

  issue(conversationId: string, userId: string | undefined, now: Date): { token: string; expires_in: number } {
    const claims: DirectLineClaims = {
      conv: conversationId,
      ...(userId ? { user: userId } : {}),
      exp: Math.floor(now.getTime() / 1000) + this.tokenTtlSeconds,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.mac(body)}`, expires_in: this.tokenTtlSeconds };
  }

  /** The credential in an Authorization header, or undefined when it is neither the secret nor a valid token. */
  authenticate(header: string | undefined, now: Date): DirectLineAuth | undefined {
    const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (!presented) return undefined;
    if (secretsEqual(presented, this.secret)) return { kind: 'secret' };
    const parts = presented.split('.');
    if (parts.length !== 2) return undefined;
    const [body = '', sig = ''] = parts;
    if (!body || !sig) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = Claims.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return claims.exp * 1000 > now.getTime() ? { kind: 'token', claims } : undefined;
    } catch {
      return undefined;
    }
  }

  static newConversationId(): string {
    return `dl-${randomUUID()}`;
  }

  /** The path segment that lets kefu's own connector endpoint accept the bot's replies. */
  connectorKey(): string {
    return createHmac('sha256', this.key).update('connector').digest('hex').slice(0, 32);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
