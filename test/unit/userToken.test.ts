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
