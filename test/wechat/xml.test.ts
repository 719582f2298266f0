import { expect } from 'chai';
import { parseWeChatXml, textReplyXml, WeChatXmlError } from '../../bot/wechat/xml';

describe('WeChat XML', () => {
  it('parses a text push, keeping MsgId (> 2^53) and every value as a string', () => {
    const m = parseWeChatXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n<FromUserName><![CDATA[oUser]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[你好 <b>&amp;</b>]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
    );
    expect(m).to.deep.include({ ToUserName: 'gh_1', FromUserName: 'oUser', CreateTime: '1409735668', MsgType: 'text', MsgId: '6054768590064713728' });
    expect(m.Content).to.equal('你好 <b>&amp;</b>');
  });

  it('a customer who types "<!DOCTYPE" inside a text message is answered: only declarations in the document are refused', () => {
    const m = parseWeChatXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[网页报错 <!DOCTYPE html> 和 <!ENTITY x> 是什么意思]]></Content><MsgId>1</MsgId></xml>',
    );
    expect(m.Content).to.equal('网页报错 <!DOCTYPE html> 和 <!ENTITY x> 是什么意思');
  });

  for (const [name, body] of [
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>'],
    [
      'a billion-laughs bomb',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`,
    ],
    ['an external entity', '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>'],
    ['truncated XML', '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content>hi'],
    ['no <xml> root', '<root><a>1</a></root>'],
    ['not XML', 'hello'],
    ['a huge body', `<xml><Content>${'x'.repeat(70_000)}</Content></xml>`],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(() => parseWeChatXml(body)).to.throw(WeChatXmlError);
    });
  }

  it('leaves undeclared entities unexpanded', () => {
    expect(parseWeChatXml('<xml><Content>a &lt; b</Content></xml>').Content).to.equal('a &lt; b');
  });

  it('builds a reply whose CDATA cannot be broken out of', () => {
    const xml = textReplyXml('oUser', 'gh_1', 1, 'evil ]]><MsgType>x</MsgType>');
    expect(parseWeChatXml(xml).Content).to.equal('evil ]]><MsgType>x</MsgType>');
    expect(parseWeChatXml(xml).MsgType).to.equal('text');
  });
});
