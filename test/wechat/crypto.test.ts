import { expect } from 'chai';
import { WeChatCrypto, WeChatCryptoError, wechatSignature } from '../../bot/wechat/crypto';

// Vectors from ../shared/wechat-vectors.md; each cites its public source.
describe('WeChat signatures and WXBizMsgCrypt against published vectors', () => {
  it('V1 — WeChat official docs, subscription account message-push encryption guide', () => {
    expect(wechatSignature('AAAAA', '1714037059', '486452656')).to.equal('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });
  it('V2 — WeChat Open Platform docs, message push (Before_Develop/message_push)', () => {
    expect(wechatSignature('AAAAA', '1715943329', '1590219412')).to.equal('cc0c594499c1634947d5b502f158ee518947db27');
  });
  it('V3 — wechatpy tests/test_utils.py', () => {
    expect(wechatSignature('test', '1410685589', 'test')).to.equal('f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
  });

  it('A1 — Tencent official Java sample WXBizMsgCryptTest: encryption with a fixed random', () => {
    const c = new WeChatCrypto(['abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'], 'wxb11529c136998cb6');
    expect(c.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).to.equal(
      'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    );
  });

  const C_ENCRYPT =
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
  it('C — Tencent official Python sample: msg_signature and decryption', () => {
    expect(wechatSignature('spamtest', '1409735669', '1320562132', C_ENCRYPT)).to.equal('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
    const c = new WeChatCrypto(['abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'], 'wx2c2769f8efd9abc2');
    const xml = c.decrypt(C_ENCRYPT);
    expect(Buffer.byteLength(xml)).to.equal(280);
    expect(xml).to.contain('<Content><![CDATA[abcdteT]]></Content>').and.to.contain('<MsgId>6054768590064713728</MsgId>');
  });

  const E_KEY = 'A'.repeat(43);
  it('E — Open Platform docs example: request signature and decryption, encrypted reply', () => {
    const encrypt =
      'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==';
    expect(wechatSignature('AAAAA', '1715943329', '1590219412', encrypt)).to.equal('6c12a4205838198b8fa631b3220723bb07f1015c');
    const c = new WeChatCrypto([E_KEY], 'wx134c8103faa5a59e');
    const xml = c.decrypt(encrypt);
    expect(Buffer.byteLength(xml)).to.equal(292);
    expect(xml).to.contain('<Event><![CDATA[debug_demo]]></Event>');
    const reply = c.encrypt('<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>', Buffer.from('999951349e8ee746'));
    expect(reply).to.equal('hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7');
    expect(wechatSignature('AAAAA', '1713424427', '415670741', reply)).to.equal('03e0812039325c2712ef5f0f980fd14c70d6e307');
  });

  const W_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
  it('W — WeCom official sample (weworkapi_cplusplus Sample.cpp, WeCom doc 90968): URL verification and message', () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
    expect(wechatSignature('QDG6eK', '1409659589', '263014780', echostr)).to.equal('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    const c = new WeChatCrypto([W_KEY], 'wx5823bf96d3bd56c7');
    expect(c.decrypt(echostr)).to.equal('1616140317555161061');
    const encrypt =
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
    expect(wechatSignature('QDG6eK', '1409659813', '1372623149', encrypt)).to.equal('477715d11cdb4164915debcba66cb864d751f3e6');
    expect(c.decrypt(encrypt)).to.contain('<Content><![CDATA[hello]]></Content>').and.to.contain('<AgentID>218</AgentID>');
  });

  it('round trip, full-block padding, another appid refused, previous key accepted during rotation', () => {
    const c = new WeChatCrypto([E_KEY], 'wxapp');
    for (const len of [0, 1, 11, 12, 44, 1000]) {
      const msg = 'x'.repeat(len);
      expect(c.decrypt(c.encrypt(msg))).to.equal(msg);
    }
    // 16 + 4 + 8 + 4 = 32 bytes: already a whole block, so a full 32-byte block of padding follows.
    expect(Buffer.from(new WeChatCrypto([E_KEY], 'abcd').encrypt('12345678'), 'base64').length).to.equal(64);
    expect(() => new WeChatCrypto([E_KEY], 'someone-else').decrypt(c.encrypt('hi'))).to.throw(WeChatCryptoError);
    const rotated = new WeChatCrypto([W_KEY, E_KEY], 'wxapp');
    expect(rotated.decrypt(c.encrypt('old key still works'))).to.equal('old key still works');
    expect(() => rotated.decrypt('not base64 at all!!')).to.throw(WeChatCryptoError);
  });
});
