import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parser as promql } from '@prometheus-io/lezer-promql';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { fromRoot } from '../../kernel/paths';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }>;
}

/** The metric names a PromQL expression reads (its vector selectors), by the real PromQL grammar. */
function metricNames(expr: string): string[] {
  const tree = promql.parse(expr);
  const names: string[] = [];
  const errors: number[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  if (errors.length) throw new Error(`not PromQL (at ${String(errors[0])}): ${expr}`);
  return names;
}

/** Ecosystem finding 4: GET /metrics for Prometheus (prom-client), and a Grafana dashboard that reads it. */
describe('GET /metrics and the Grafana dashboard in ops/', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  const channel = new ConnectorStub();
  let families: Map<string, Family>;
  let exposition: string;

  before(async () => {
    const serviceUrl = await channel.start();
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json', METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
    // The README's first minute: an FAQ, an order question, a person, their reply, the close, the survey.
    const alice = new AgentClient(kefu.url, 'test-token-alice');
    const c = new BotClient(kefu.url);
    const say = (text: string) => c.say(text, { serviceUrl });
    await say('怎么开发票');
    await say('where is my order KF202611220001');
    await say('1234');
    await alice.online();
    await say('转人工');
    const h = await kefu.kefu.store.openFor(c.conversationId);
    await alice.call('POST', `/handoffs/${h?.id ?? ''}/messages`, { text: '您好，骑手还有5分钟到' });
    await alice.call('POST', `/handoffs/${h?.id ?? ''}/close`, { resolution: '已解答' });
    await say('5 5 4 5 5');
    await new BotClient(kefu.url, { userId: 'other' }).say('转人工'); // waits: Alice's capacity is free, she is online — assigned too
    const res = await fetch(`${kefu.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/plain');
    exposition = await res.text();
    families = new Map((parsePrometheusTextFormat(exposition) as Family[]).map((f) => [f.name, f]));
  });
  after(async () => {
    await kefu.close();
    await channel.close();
  });

  const value = (name: string, labels: Record<string, string> = {}) =>
    families
      .get(name)
      ?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
      .reduce((n, m) => n + Number(m.value ?? 0), 0) ?? 0;
  /** A histogram's observations: the sum of its _count series (the parser folds a histogram's label sets together). */
  const observations = (name: string, labels: Record<string, string> = {}) =>
    exposition
      .split('\n')
      .filter((l) => l.startsWith(`${name}_count`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);

  it('needs the token when one is set', async () => {
    expect((await fetch(`${kefu.url}/metrics`)).status).to.equal(401);
  });

  it('parses with a Prometheus text-format parser and counts what the walk did: messages, intents, handoffs by reason, time to agent, first response, CSAT', () => {
    expect(value('kefu_messages_total', { channel: 'test' })).to.be.at.least(5);
    expect(value('kefu_conversations_started_total')).to.equal(2);
    expect(value('kefu_nlu_intents_total', { intent: 'invoice' })).to.equal(1);
    expect(value('kefu_handoffs_total', { event: 'opened', reason: 'requested', group: 'general', priority: 'normal' })).to.be.at.least(1);
    expect(value('kefu_handoffs_total', { event: 'closed' })).to.equal(1);
    expect(families.get('kefu_handoff_time_to_agent_seconds')?.type).to.equal('HISTOGRAM');
    expect(observations('kefu_handoff_time_to_agent_seconds')).to.equal(2);
    expect(observations('kefu_agent_first_response_seconds')).to.equal(1);
    expect(observations('kefu_csat_score', { dimension: 'clarity' })).to.equal(1);
    expect(observations('kefu_nlu_duration_seconds')).to.be.at.least(5);
    expect(observations('kefu_handoff_time_to_queue_seconds', { reason: 'requested' })).to.equal(2);
    expect(families.get('kefu_queue_waiting')?.type).to.equal('GAUGE');
    expect(value('kefu_agents_online')).to.equal(1);
    expect(value('kefu_http_requests_total', { route: '/api/messages', method: 'POST', status: '200' })).to.be.at.least(6);
    expect(families.has('kefu_process_cpu_user_seconds_total')).to.equal(true);
  });

  it('every panel of ops/grafana-dashboard.json is valid PromQL over metrics /metrics really has', () => {
    const dashboard = JSON.parse(readFileSync(fromRoot('ops/grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.panels.length).to.be.at.least(10);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const name of metricNames(expr)) {
          const family = name.replace(/_(bucket|sum|count)$/, '');
          expect(families.has(name) || families.has(family), `${panel.title}: ${name}`).to.equal(true);
        }
      }
    }
  });
});
