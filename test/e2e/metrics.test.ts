import { expect } from 'chai';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/** Ecosystem finding 4: GET /metrics for Prometheus (prom-client). */
describe('GET /metrics', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;

  before(async () => {
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json', METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
  });
  after(async () => kefu.close());

  it('is Prometheus text with requests by route, handoffs, the queue and the process; the token is required when set', async () => {
    expect((await fetch(`${kefu.url}/metrics`)).status).to.equal(401);
    const c = new BotClient(kefu.url);
    await c.say('怎么开发票');
    await c.say('转人工');
    const res = await fetch(`${kefu.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/plain');
    const text = await res.text();
    expect(text).to.match(/kefu_http_requests_total\{route="\/api\/messages",method="POST",status="200"\} 2/);
    expect(text).to.match(/kefu_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/api\/messages"\}/);
    expect(text).to.match(/kefu_handoffs_total\{event="opened",group="general",priority="normal"\} 1/);
    expect(text).to.match(/kefu_callbacks_waiting 1/); // nobody online: the request became a callback ticket
    expect(text).to.match(/kefu_agents_online 0/);
    expect(text).to.contain('kefu_process_cpu_user_seconds_total');
  });
});
