import { expect } from 'chai';
import { createLogger } from '../../kernel/log';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { startKefu } from '../../testkit/kefuServer';

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('structured logs (pino): one JSON line per event, IDs as fields, personal data masked', function () {
  this.timeout(30_000);

  it('a line carries time, level, message and fields; a child adds its fields; below the level nothing is written', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    log.debug('not written');
    log.child({ req: 'r-1', conversation: 'c-9' }).warn('refused', { code: 'unauthorized' });
    const [line] = parse(lines);
    expect(lines).to.have.length(1);
    expect(line).to.include({ level: 'warn', msg: 'refused', req: 'r-1', conversation: 'c-9', code: 'unauthorized' });
    expect(new Date(String(line.t)).getTime()).to.be.closeTo(Date.now(), 5000);
  });

  it('a phone, ID-card or bank-card number is masked in any field, at any depth', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).info('customer said 13812341234', { order: { contact: { phone: '13912345678' } }, card: '6222021234567890123' });
    expect(lines[0]).not.to.match(/13812341234|13912345678|6222021234567890123/);
    expect(parse(lines)[0].msg).to.contain('138****1234');
  });

  it('over HTTP: a refused request logs its status, error code and request ID (the X-Request-Id sent back); each handoff transition logs one line with its IDs', async () => {
    const kefu = await startKefu({ LOG_LEVEL: 'info', AGENTS_FILE: 'test/fixtures/agents.test.json' });
    try {
      const res = await fetch(`${kefu.url}/agent/v1/me?ticket=secret-ticket`, { headers: { authorization: 'Bearer wrong-token' } });
      expect(res.status).to.equal(401);
      const id = res.headers.get('x-request-id');
      const refused = parse(kefu.logs).find((l) => l.msg === 'request refused' && l.req === id);
      expect(refused).to.include({ status: 401, code: 'unauthorized', path: '/agent/v1/me', method: 'GET' });
      expect(kefu.logs.join('\n'), 'query strings (tickets) stay out of the log').not.to.contain('secret-ticket');

      const alice = new AgentClient(kefu.url, 'test-token-alice');
      await alice.online();
      const c = new BotClient(kefu.url);
      await c.say('转人工');
      const h = (await kefu.kefu.store.openFor(c.conversationId))?.id;
      const transitions = parse(kefu.logs).filter((l) => l.handoff === h);
      expect(transitions.map((l) => l.msg)).to.include.members(['handoff.new', 'handoff.assigned']);
      const stray = transitions.filter((l) => l.conversation !== c.conversationId || l.level !== 'info');
      expect(stray, 'every line naming the handoff names its conversation, at level info').to.deep.equal([]);
    } finally {
      await kefu.close();
    }
  });
});
