import { expect } from 'chai';
import type { Order, OrderService, ServiceRequest } from '../../orders/orderService';
import { AgentClient, type ApiErrorJson, type HandoffJson, type HandoffListJson } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';
import { testRedis, uniqueNamespace } from '../../testkit/redisServer';

const AGENTS = { AGENTS_FILE: 'test/fixtures/agents.test.json' };
const DAY = new Date('2026-11-22T02:00:00Z'); // 10:00 in Shanghai, inside working hours

/** The same end-to-end handoff suite against the in-memory store and against Redis. */
for (const storeName of ['in-memory', 'Redis'] as const) {
  describe(`handoff end to end (${storeName} store)`, function () {
    this.timeout(30_000);
    let kefu: RunningKefu;
    let stub: ConnectorStub;
    let serviceUrl: string;
    const agents: AgentClient[] = [];

    const env = async (extra: Record<string, string> = {}) => ({
      ...AGENTS,
      ...(storeName === 'Redis' ? { REDIS_URL: (await testRedis()).url, REDIS_NAMESPACE: uniqueNamespace('e2e') } : {}),
      ...extra,
    });
    const agent = (token: string) => {
      const a = new AgentClient(kefu.url, token);
      agents.push(a);
      return a;
    };
    /** A customer whose channel takes replies in the response and proactive messages at the stub. */
    const customer = (opts: ConstructorParameters<typeof BotClient>[1] = {}) => {
      const c = new BotClient(kefu.url, opts);
      const say = c.say.bind(c);
      c.say = (text, extra) => say(text, { serviceUrl, ...extra });
      return c;
    };
    const proactiveTo = (c: BotClient) => stub.received.filter((r) => r.conversationId === c.conversationId).map((r) => r.body);
    const waitProactive = async (c: BotClient, match: (b: { type?: string; text?: string; name?: string }) => boolean, timeoutMs = 5000) => {
      const started = Date.now();
      for (;;) {
        const hit = proactiveTo(c).find((b) => match(b as { type?: string; text?: string; name?: string }));
        if (hit) return hit;
        if (Date.now() - started > timeoutMs)
          throw new Error(`no proactive message matched; got ${JSON.stringify(proactiveTo(c).map((b) => b.text ?? b.type))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    before(async () => {
      stub = new ConnectorStub();
      serviceUrl = await stub.start();
    });
    after(() => stub.close());
    afterEach(async () => {
      agents.splice(0).forEach((a) => a.stop());
      await (kefu as RunningKefu | undefined)?.close(); // unset when a test failed before starting one
    });

    it('verified order, then 转人工: auto-assigned with the full context; relay both ways; bot silent; close → survey', async () => {
      let now = DAY;
      kefu = await startKefu(await env(), { clock: () => now });
      const alice = agent('test-token-alice');
      expect((await alice.online()).status).to.equal(200);
      await alice.listen();
      const c = customer();
      await c.say('我的外卖到哪了 KF202611220001');
      await c.say('1234');
      await c.say('我的电话是13812341234，骑手一直不接');
      const joined = await c.say('转人工');
      expect(joined).to.contain('已为您接通人工客服 Alice');

      const assigned = await alice.waitFor((e) => e.type === 'handoff.assigned' && e.conversationId === c.conversationId);
      await alice.waitFor((e) => e.type === 'handoff.new' && e.conversationId === c.conversationId);
      const ctx = await alice.call('GET', `/handoffs/${assigned.handoffId}`);
      expect(ctx.status).to.equal(200);
      const p = (ctx.body as HandoffJson).packet;
      expect(p.version).to.equal(1);
      expect(p.reason).to.equal('requested');
      expect(p.group).to.equal('orders');
      expect(p.customer.verification.method).to.equal('phone_last4');
      expect(p.customer.maskedPhone).to.equal('138****1234');
      expect(p.orders).to.deep.include({ id: 'KF202611220001', status: 'delivering', amount: 58.5, merchant: '老王麻辣烫', verified: true });
      expect(p.intentHistory.map((h) => h.intent)).to.include('order_status');
      expect(p.summary).to.contain('订单 KF202611220001').and.to.contain('已验证').and.to.contain('客户要求人工');
      const said = p.transcript.map((e) => `${e.speaker}: ${e.text}`);
      expect(said).to.include('customer: 1234');
      expect(said.join('\n')).to.contain('customer: 我的电话是138****1234').and.not.to.contain('13812341234');
      expect(said.some((l) => l.startsWith('bot: ') && l.includes('配送中'))).to.equal(true);
      expect(new Date(p.slaDueAt).getTime() - DAY.getTime()).to.equal(2 * 3600 * 1000);

      // The bot stays silent while a person holds the conversation: every path.
      expect(await c.say('还要多久啊')).to.equal('');
      expect(await c.say('开发票')).to.equal('');
      expect(await c.say('', { attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] })).to.equal('');
      const relayed = await alice.waitFor((e) => e.type === 'handoff.customer_message' && e.text === '还要多久啊');
      expect(relayed.agentId).to.equal('alice');

      // Agent → customer through the customer's own channel.
      const sent = await alice.call('POST', `/handoffs/${assigned.handoffId}/messages`, { text: '您好，骑手还有5分钟到，请稍等' });
      expect(sent.status).to.equal(202);
      await waitProactive(c, (b) => b.text === '您好，骑手还有5分钟到，请稍等');

      // Close: back to the bot, with the survey.
      now = new Date(DAY.getTime() + 10 * 60_000);
      const closed = await alice.call('POST', `/handoffs/${assigned.handoffId}/close`, { resolution: '已催促骑手送达', tags: ['delivery'] });
      expect(closed.status).to.equal(200);
      await waitProactive(c, (b) => (b.text ?? '').includes('请为本次服务打分'));
      await waitProactive(c, (b) => b.type === 'event' && b.name === 'handoff.status');
      expect(await c.say('5 5 4 5 2 骑手态度一般')).to.contain('主管会查看');
      const h = await kefu.kefu.store.get(assigned.handoffId);
      expect(h?.survey).to.deep.include({
        scores: { efficiency: 5, attitude: 5, clarity: 4, solution: 5, overall: 2 },
        comment: '骑手态度一般',
        flagged: true,
      });
      expect(h?.packet.transcript.length).to.be.greaterThan(3);
      const fullTranscript = (await kefu.kefu.store.transcript(c.conversationId)).map((e) => e.speaker);
      expect(fullTranscript).to.include.members(['customer', 'bot', 'agent', 'system']);
      // The bot answers again.
      expect(await c.say('怎么开发票')).to.contain('申请开票');
      const sup = agent('test-token-sue');
      const view = await sup.call('GET', '/supervisor');
      expect((view.body as { flaggedSurveys: HandoffJson[] }).flaggedSurveys.map((x) => x.id)).to.include(assigned.handoffId);
    });

    it('a console lists the head of a long queue and counts the whole of it', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const alice = agent('test-token-alice');
      await alice.online();
      // Alice (capacity 2) takes the first two; 103 more wait.
      for (let i = 0; i < 105; i += 1) await customer().say('转人工');
      const queue = (await alice.call('GET', '/queue')).body as HandoffListJson;
      expect(queue.items).to.have.length(100);
      expect(queue).to.include({ waiting: 103, callbacks: 0 });
      expect(queue.byGroup.general.normal).to.equal(103);
      const waited = queue.items.map((h) => Date.parse(h.createdAt));
      expect(waited).to.deep.equal([...waited].sort((x, y) => x - y)); // longest waiting first
      const floor = (await agent('test-token-sue').call('GET', '/supervisor')).body as { queues: Record<string, { waiting: number }> };
      expect(floor.queues.general.waiting).to.equal(103);
    });

    it('queue position, claim-next, transfer and escalate keep the context', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const alice = agent('test-token-alice');
      await alice.online();
      // Alice has capacity 2: the third customer waits in the queue.
      const customers = [customer(), customer(), customer()];
      for (const c of customers.slice(0, 2)) expect(await c.say('转人工')).to.contain('已为您接通');
      const third = await customers[2].say('转人工');
      expect(third).to.contain('您前面还有 0 位').and.to.contain('预计等待');
      const queue = (await alice.call('GET', '/queue')).body as HandoffListJson;
      expect(queue.items).to.have.length(1);
      expect(queue.byGroup.general.normal).to.equal(1);
      expect(queue).to.include({ waiting: 1, callbacks: 0 });
      expect(queue.items[0].waitingSeconds).to.be.a('number');
      expect((await alice.call('POST', '/queue/next')).status).to.equal(204); // at capacity

      const mine = ((await alice.call('GET', '/handoffs')).body as HandoffListJson).items;
      const moved = await alice.call('POST', `/handoffs/${mine[0].id}/transfer`, { group: 'food_safety', note: '涉及食品问题，请食安组跟进' });
      expect(moved.status).to.equal(200);
      expect(moved.body).to.include({ status: 'queued', group: 'food_safety' });
      const next = await alice.call('POST', '/queue/next');
      expect(next.status).to.equal(200);
      const picked = next.body as HandoffJson;
      expect(picked.conversationId).to.equal(customers[2].conversationId);
      await waitProactive(customers[2], (b) => (b.text ?? '').includes('Alice 已接入'));

      const esc = await alice.call('POST', `/handoffs/${picked.id}/escalate`, { note: '需要主管处理' });
      expect(esc.body).to.include({ group: 'escalation', status: 'queued' });
      const sue = agent('test-token-sue');
      const claimed = await sue.call('POST', `/handoffs/${picked.id}/claim`);
      expect(claimed.status).to.equal(200);
      const ctx = (await sue.call('GET', `/handoffs/${picked.id}`)).body as HandoffJson;
      expect(ctx.transfers.map((t) => t.toGroup)).to.deep.equal(['escalation']);
      expect(ctx.packet.conversation.id).to.equal(customers[2].conversationId);
    });

    it('no agent online: a callback ticket, and the customer is told when to expect contact', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      const reply = await c.say('I want to talk to a human');
      expect(reply).to.contain('call back').and.to.contain('by 13:00 today'); // 10:00 + the 3 h window
      expect((await kefu.kefu.store.openFor(c.conversationId))?.status).to.equal('callback');
      // Meanwhile the bot keeps helping.
      expect(await c.say('how do I get an invoice')).to.match(/invoice/i);
    });

    it('callback ticket: asks for the number, keeps it whole only for the agent who holds the ticket, dispatched when an agent comes online', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      expect(await c.say('转人工'))
        .to.contain('登记回电')
        .and.to.contain('请回复方便接听的手机号');
      expect(await c.say('我的手机是 138 1234 1234')).to.contain('138****1234');
      const ticket = await kefu.kefu.store.openFor(c.conversationId);
      expect(ticket?.callback?.phone).to.equal('13812341234');
      expect(JSON.stringify(await kefu.kefu.store.transcript(c.conversationId)))
        .not.to.contain('1234 1234')
        .and.not.to.contain('13812341234');
      // Alice comes online: the ticket is dispatched to her like any handoff, and the customer hears who will call.
      const alice = agent('test-token-alice');
      await alice.online();
      const mine = (await alice.call('GET', '/handoffs')).body as HandoffListJson;
      expect(mine.items.map((h) => h.id)).to.deep.equal([ticket?.id]);
      const held = (await alice.call('GET', `/handoffs/${ticket?.id ?? ''}`)).body as HandoffJson & { callback: { phone: string; dueAt: string } };
      expect(held.callback).to.deep.equal({ phone: '13812341234', dueAt: '2026-11-22T05:00:00.000Z' }); // 13:00 Shanghai, the promise
      await waitProactive(c, (b) => b.text?.includes('已接入您的回电登记') === true);
      // A supervisor sees the ticket, not the number.
      const sue = agent('test-token-sue');
      const seen = (await sue.call('GET', `/handoffs/${ticket?.id ?? ''}`)).body as HandoffJson & { callback: { phone: string } };
      expect(seen.callback.phone).to.equal('138****1234');
    });

    it('a message the bot does not answer leaves no response deadline behind: the callback number, a high-risk message on a callback ticket', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY }); // the clock stands still: no deadline falls due by itself
      const pending = () => kefu.kefu.store.takeDueDeadlines(Number.MAX_SAFE_INTEGER, 10);
      const c = customer();
      expect(await c.say('转人工')).to.contain('登记回电');
      expect(await pending()).to.deep.equal([]);
      expect(await c.say('我的手机是 138 1234 1234')).to.contain('138****1234');
      expect(await pending(), 'the number went on the ticket; the bot had nothing to answer').to.deep.equal([]);
      await c.say('我吃了你们的外卖食物中毒了');
      const raised = await kefu.kefu.store.openFor(c.conversationId);
      expect(raised).to.include({ status: 'queued', priority: 'urgent' });
      expect(await pending(), 'the ticket was raised; the bot had nothing to answer').to.deep.equal([]);
    });

    it('callback ticket of a verified customer: the order phone is used, nothing asked', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      await c.say('我的外卖到哪了 KF202611220001');
      await c.say('1234');
      const reply = await c.say('转人工');
      expect(reply).to.contain('登记回电').and.to.contain('138****1234').and.not.to.contain('请回复方便接听的手机号');
      expect((await kefu.kefu.store.openFor(c.conversationId))?.callback?.phone).to.equal('13812341234');
    });

    it('high risk (food safety): urgent, locks the bot out, says what to do now and no promise of minutes, audited', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      const reply = await c.say('我吃了你们家的外卖食物中毒了，现在在医院');
      expect(reply).to.contain('保留剩余的食物').and.to.contain('就医').and.to.contain('食品安全专员');
      expect(reply).not.to.match(/\d+\s*分钟/); // nobody is online: no estimate, and the case is not parked as a callback
      expect(reply).to.contain('值班主管已收到提醒');
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h).to.include({ group: 'food_safety', priority: 'urgent', status: 'queued' });
      expect(h?.reasons).to.deep.equal(['high_risk']);
      expect(h?.packet.risk).to.deep.include({ level: 'critical', category: 'food_safety' });
      expect(h?.packet.summary).to.contain('⚠');
      expect(kefu.logs.join('\n')).to.contain('audit: high-risk message');
      // The bot stays out (no greeting, no FAQ); the customer is told the specialist has the message, once a minute at most.
      const waiting = await c.say('你好');
      expect(waiting).to.contain('食品安全专员').and.to.contain('就医').and.not.to.contain('感谢联系');
      expect(await c.say('还在吗')).to.equal('');
    });

    for (const [text, expected, locale] of [
      ["I'm going to kill myself", 'crisis line', 'en'],
      ['我真的不想活了，活着没意思', '400-161-9995', 'zh'],
    ] as const) {
      it(`self-harm (${locale}): a warm reply with crisis lines at once, a person next, no goodbye and no survey when the agent closes`, async () => {
        kefu = await startKefu(await env(), { clock: () => DAY });
        const bob = agent('test-token-bob');
        await bob.online();
        const c = customer({ locale: locale === 'en' ? 'en-US' : 'zh-CN' });
        const reply = await c.say(text);
        expect(reply).to.contain(expected);
        expect(reply).not.to.match(/goodbye|great day|祝您生活愉快/i);
        const h = await kefu.kefu.store.openFor(c.conversationId);
        expect(h).to.include({ group: 'safety', priority: 'urgent', status: 'assigned', assignedTo: 'bob' });
        expect(h?.packet.risk.handling).to.equal('self_harm');
        expect((await bob.call('POST', `/handoffs/${h?.id ?? ''}/close`, { resolution: 'referred to crisis line' })).status).to.equal(200);
        await waitProactive(c, (b) => b.text?.includes(locale === 'en' ? 'crisis line' : '400-161-9995') === true);
        await new Promise((r) => setTimeout(r, 300));
        expect(
          proactiveTo(c)
            .map((b) => (b as { text?: string }).text ?? '')
            .join('\n'),
        ).not.to.match(/打分|rate|1-5/);
      });
    }

    it('the conversation is read, not only the last line: a vague message after a worrying one is one food-safety case, with both as evidence', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      await c.say('刚吃完你们家的寿司');
      expect(await kefu.kefu.store.openFor(c.conversationId), 'the first message alone is no case').to.equal(undefined);
      expect(await c.say('现在有点恶心 头也晕')).to.contain('保留剩余的食物');
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h).to.include({ group: 'food_safety', priority: 'urgent' });
      expect(h?.packet.risk.evidence).to.deep.equal(['刚吃完你们家的寿司', '现在有点恶心 头也晕']);
    });

    it('the packet carries the mood over the conversation: the peak and the trend, not only the last message', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const c = customer();
      await c.say('你们怎么回事！！气死我了，外卖一个小时了还没送到');
      await c.say('发票怎么开');
      await c.say('转人工');
      const p = (await kefu.kefu.store.openFor(c.conversationId))?.packet;
      expect(p?.emotion).to.deep.include({ label: 'neutral', messages: 3 });
      expect(p?.emotion.peak).to.deep.include({ label: 'anger' });
      expect(p?.summary).to.contain('情绪：平静（此前愤怒）');
    });

    it('account security: freeze guidance and never a request for codes; English too', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const zh = await customer().say('我的支付密码被人改了，钱也被转走了');
      expect(zh).to.contain('冻结').and.to.contain('不要向任何人透露验证码');
      const en = await customer({ locale: 'en-US' }).say('Someone hacked my account and changed my password');
      expect(en).to.contain('freeze').and.to.contain('never ask for your codes');
    });

    it('a high-risk message while waiting escalates the open handoff to urgent', async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const alice = agent('test-token-alice');
      await alice.online();
      const busy = [customer(), customer()];
      for (const c of busy) await c.say('转人工');
      const c = customer();
      await c.say('转人工');
      expect((await kefu.kefu.store.openFor(c.conversationId))?.priority).to.equal('normal');
      expect(await c.say('我吃了你们的外卖食物中毒了')).to.contain('保留剩余的食物');
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h).to.include({ priority: 'urgent', group: 'food_safety' });
      expect(h?.reasons).to.deep.equal(['requested', 'high_risk']);
    });

    for (const [text, why] of [
      ['我家的烟雾报警器一直响，怎么关', '报警器 is not 报警'],
      ['this price is killing me lol', '"killing me" is not self-harm'],
      ['我没有被盗号，只是忘了密码', 'a negated phrase is not an accusation'],
      ["I'm not going to sue you, just want my refund", 'a negated legal threat'],
    ] as const) {
      it(`no high-risk handoff for "${text}" (${why})`, async () => {
        kefu = await startKefu(await env(), { clock: () => DAY });
        const c = customer();
        await c.say(text);
        const h = await kefu.kefu.store.openFor(c.conversationId);
        expect(h?.reasons ?? []).not.to.include('high_risk');
      });
    }

    it('timeout: the bot has not answered within the deadline → handoff, customer told, late answer dropped', async () => {
      const slowOrders: OrderService = {
        async findOrder(id: string): Promise<Order | undefined> {
          await new Promise((r) => setTimeout(r, 1500));
          return id === 'KF202611220001'
            ? ({
                id,
                customerId: 'u',
                phone: '13812341234',
                status: 'delivering',
                category: 'food',
                merchant: 'M',
                items: [{ name: 'x', quantity: 1, price: 1 }],
                amount: 1,
                currency: 'CNY',
                createdAt: DAY.toISOString(),
                address: 'A',
              } satisfies Order)
            : undefined;
        },
        async customerOrders(): Promise<Order[]> {
          return [];
        },
        async submitRequest(): Promise<ServiceRequest> {
          throw new Error('not used');
        },
      };
      kefu = await startKefu(await env({ HANDOFF_TIMEOUT_MS: '300', HANDOFF_POLL_MS: '20' }), { orders: slowOrders });
      const c = customer();
      await c.say('查物流 KF202611220001');
      const late = await c.say('1234');
      expect(late).to.equal(''); // the answer came after the deadline: dropped
      const notice = await waitProactive(c, (b) => (b.text ?? '').includes('系统处理较慢'));
      expect(notice.text).to.contain('登记回电');
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h?.reasons).to.deep.equal(['timeout']);
      expect(proactiveTo(c).filter((b) => (b.text ?? '').includes('系统处理较慢'))).to.have.length(1);
    });

    it('the bot answering in time clears the deadline: no timeout handoff', async () => {
      kefu = await startKefu(await env({ HANDOFF_TIMEOUT_MS: '200', HANDOFF_POLL_MS: '20' }));
      const c = customer();
      expect(await c.say('怎么开发票')).to.contain('申请开票');
      await new Promise((r) => setTimeout(r, 500));
      expect(await kefu.kefu.store.openFor(c.conversationId)).to.equal(undefined);
    });

    it("agent API auth: 401 without or with a wrong token, 403 on another agent's conversation or the supervisor view", async () => {
      kefu = await startKefu(await env(), { clock: () => DAY });
      const noToken = await fetch(`${kefu.url}/agent/v1/queue`);
      expect(noToken.status).to.equal(401);
      expect((await agent('wrong-token').call('GET', '/queue')).status).to.equal(401);
      const alice = agent('test-token-alice');
      const bob = agent('test-token-bob');
      await alice.online();
      const c = customer();
      await c.say('转人工');
      const id = ((await alice.call('GET', '/handoffs')).body as HandoffListJson).items[0].id;
      expect((await bob.call('GET', `/handoffs/${id}`)).status).to.equal(403);
      expect((await bob.call('POST', `/handoffs/${id}/messages`, { text: 'hi' })).status).to.equal(403);
      expect((await bob.call('POST', `/handoffs/${id}/close`, { resolution: 'x' })).status).to.equal(403);
      expect((await bob.call('POST', `/handoffs/${id}/transfer`, { group: 'orders' })).status).to.equal(403);
      expect((await bob.call('POST', `/handoffs/${id}/claim`)).status).to.equal(403);
      expect((await alice.call('GET', '/supervisor')).status).to.equal(403);
      expect((await alice.call('POST', `/handoffs/${id}/close`, {})).status).to.equal(400);
      const forbidden = await alice.call('POST', `/handoffs/${id}/messages`, { text: '请把验证码发给我' });
      expect(forbidden.status).to.equal(422);
      expect((forbidden.body as ApiErrorJson).error.code).to.equal('compliance');
    });
  });
}
