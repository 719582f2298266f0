import { expect } from 'chai';
import { signUserToken, verifyUserToken } from '../../bot/userToken';

describe('signed user token', () => {
  const secret = 'a-secret-of-enough-length';
  const now = new Date('2026-11-22T02:00:00Z');
  const exp = Math.floor(now.getTime() / 1000) + 300;

  it('verifies a token signed with the secret', () => {
    const id = verifyUserToken(signUserToken({ sub: 'u1', exp, vip: 2 }, secret), secret, now);
    expect(id.status).to.equal('verified');
    if (id.status === 'verified') expect(id.user).to.include({ userId: 'u1', vip: 2 });
  });
  it('refuses a token living past the maximum (exp in 2100), an iat in the future, and one naming another conversation', () => {
    const nowS = Math.floor(now.getTime() / 1000);
    const rules = { maxLifetimeMs: 24 * 3600_000, conversationId: 'conv-a' };
    expect(verifyUserToken(signUserToken({ sub: 'u1', exp: 4_102_444_800 }, secret), secret, now, rules)).to.deep.equal({
      status: 'invalid',
      reason: 'too_long_lived',
    });
    expect(verifyUserToken(signUserToken({ sub: 'u1', iat: nowS - 60, exp: nowS + 25 * 3600 }, secret), secret, now, rules)).to.deep.equal({
      status: 'invalid',
      reason: 'too_long_lived',
    });
    expect(verifyUserToken(signUserToken({ sub: 'u1', iat: nowS + 3600, exp: nowS + 7200 }, secret), secret, now, rules)).to.deep.equal({
      status: 'invalid',
      reason: 'not_yet_valid',
    });
    expect(verifyUserToken(signUserToken({ sub: 'u1', iat: nowS + 30, exp: nowS + 600 }, secret), secret, now, rules).status, 'within the clock skew').to.equal(
      'verified',
    );
    expect(verifyUserToken(signUserToken({ sub: 'u1', exp: nowS + 600, cid: 'conv-b' }, secret), secret, now, rules)).to.deep.equal({
      status: 'invalid',
      reason: 'other_conversation',
    });
    expect(verifyUserToken(signUserToken({ sub: 'u1', exp: nowS + 600, cid: 'conv-a' }, secret), secret, now, rules).status).to.equal('verified');
  });

  it('rejects an expired token', () => {
    expect(verifyUserToken(signUserToken({ sub: 'u1', exp: exp - 600 }, secret), secret, now)).to.deep.equal({ status: 'invalid', reason: 'expired' });
  });
  it('rejects a token signed with another secret', () => {
    expect(verifyUserToken(signUserToken({ sub: 'u1', exp }, 'another-secret-entirely'), secret, now)).to.deep.equal({
      status: 'invalid',
      reason: 'bad_signature',
    });
  });
  it('rejects a token whose payload was changed after signing', () => {
    const [, sig] = signUserToken({ sub: 'u1', exp }, secret).split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'u2', exp })).toString('base64url')}.${sig}`;
    expect(verifyUserToken(forged, secret, now)).to.deep.equal({ status: 'invalid', reason: 'bad_signature' });
  });
  it('treats garbage as malformed and no token as absent', () => {
    expect(verifyUserToken('abc', secret, now)).to.deep.equal({ status: 'invalid', reason: 'malformed' });
    expect(verifyUserToken(42, secret, now)).to.deep.equal({ status: 'invalid', reason: 'malformed' });
    expect(verifyUserToken(undefined, secret, now)).to.deep.equal({ status: 'absent' });
  });
});
