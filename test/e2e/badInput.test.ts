import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('bad input gets a clear 4xx and the server keeps serving', function () {
  let kefu: RunningKefu;

  before(async function () {
    this.timeout(60_000);
    kefu = await startKefu({ MAX_BODY_BYTES: '4096' });
  });
  after(() => kefu.close());

  const raw = async (path: string, body: string, contentType = 'application/json') => {
    const res = await fetch(`${kefu.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };
  // Built when the table is defined, before the server exists: the URL does not matter here.
  const valid = () => new BotClient('http://unused').activity('message', { text: '你好' });

  const cases: Array<{ name: string; path: string; body: string; contentType?: string; status: number; code: string; mentions?: string }> = [
    { name: 'malformed JSON', path: '/api/messages', body: '{"type": "message",', status: 400, code: 'malformed_json' },
    {
      name: 'an activity without type',
      path: '/api/messages',
      body: JSON.stringify({ ...valid(), type: undefined }),
      status: 400,
      code: 'invalid_body',
      mentions: 'type',
    },
    {
      name: 'a conversation without id',
      path: '/api/messages',
      body: JSON.stringify({ ...valid(), conversation: {} }),
      status: 400,
      code: 'invalid_body',
      mentions: 'conversation.id',
    },
    {
      name: 'text of the wrong type',
      path: '/api/messages',
      body: JSON.stringify({ ...valid(), text: 42 }),
      status: 400,
      code: 'invalid_body',
      mentions: 'text',
    },
    {
      name: 'a serviceUrl that is not a URL',
      path: '/api/messages',
      body: JSON.stringify({ ...valid(), serviceUrl: 'nope' }),
      status: 400,
      code: 'invalid_body',
      mentions: 'serviceUrl',
    },
    { name: 'a JSON array', path: '/api/messages', body: '[1,2,3]', status: 400, code: 'invalid_body' },
    { name: 'an oversized body', path: '/api/messages', body: JSON.stringify({ ...valid(), text: 'x'.repeat(5000) }), status: 413, code: 'payload_too_large' },
    { name: 'a non-JSON content type', path: '/api/messages', body: 'hello', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
    { name: 'parse: malformed JSON', path: '/api/nlu/parse', body: '{text:', status: 400, code: 'malformed_json' },
    { name: 'parse: missing text', path: '/api/nlu/parse', body: '{}', status: 400, code: 'invalid_body', mentions: 'text' },
    { name: 'parse: text of the wrong type', path: '/api/nlu/parse', body: '{"text": ["a"]}', status: 400, code: 'invalid_body', mentions: 'text' },
    { name: 'parse: empty text', path: '/api/nlu/parse', body: '{"text": ""}', status: 400, code: 'invalid_body', mentions: 'text' },
    { name: 'parse: unknown locale', path: '/api/nlu/parse', body: '{"text": "hi", "locale": "fr"}', status: 400, code: 'invalid_body', mentions: 'locale' },
    { name: 'parse: unknown field', path: '/api/nlu/parse', body: '{"text": "hi", "lang": "en"}', status: 400, code: 'invalid_body' },
    { name: 'parse: oversized body', path: '/api/nlu/parse', body: JSON.stringify({ text: '退'.repeat(3000) }), status: 413, code: 'payload_too_large' },
  ];

  for (const tc of cases) {
    it(`${tc.name} → ${tc.status} ${tc.code}`, async () => {
      const res = await raw(tc.path, tc.body, tc.contentType);
      expect(res.status).to.equal(tc.status);
      expect(res.body.error.code).to.equal(tc.code);
      expect(res.body.error.message).to.be.a('string').and.not.equal('');
      if (tc.mentions) expect(res.body.error.message).to.contain(tc.mentions);
    });
  }

  it('still serves health checks and conversations afterwards', async () => {
    expect((await fetch(`${kefu.url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${kefu.url}/readyz`)).status).to.equal(200);
    expect(await new BotClient(kefu.url).say('怎么开发票')).to.contain('申请开票');
  });

  it('an unknown path is a JSON 404', async () => {
    const res = await fetch(`${kefu.url}/api/nope`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as ErrorBody).error.code).to.equal('not_found');
  });
});

describe('/api/nlu/parse', function () {
  let kefu: RunningKefu;
  before(async function () {
    this.timeout(60_000);
    kefu = await startKefu();
  });
  after(() => kefu.close());

  it('returns locale, intent, real score, entities and emotion', async () => {
    const res = await fetch(`${kefu.url}/api/nlu/parse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '退款怎么还没到账，订单KF202611150004，急死了，电话13812341234' }),
    });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown> & {
      entities: { orderIds: string[]; phones: string[] };
      emotion: { label: string };
      score: number;
    };
    expect(body.locale).to.equal('zh-CN');
    expect(body.intent).to.equal('refund_status');
    expect(body.score).to.be.within(0, 1);
    expect(body.entities.orderIds).to.deep.equal(['KF202611150004']);
    expect(body.entities.phones).to.deep.equal(['13812341234']);
    expect(body.emotion.label).to.equal('anxiety');
  });

  it('keeps the real score when the answer is None', async () => {
    const res = await fetch(`${kefu.url}/api/nlu/parse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'what is the capital of France', locale: 'en' }),
    });
    const body = (await res.json()) as { intent: string; score: number; locale: string };
    expect(body.locale).to.equal('en');
    expect(body.intent).to.equal('None');
    expect(body.score).to.be.lessThan(1);
  });
});
