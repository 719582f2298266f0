import { expect } from 'chai';
import { signUserToken } from '../../bot/userToken';
import { DEV_USER_TOKEN_SECRET } from '../../bot/config';
import { DemoOrderService } from '../../orders/demoOrderService';
import { BotClient } from '../../testkit/botClient';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

// 2026-11-22 10:00 in Shanghai: daytime. Demo order times are relative to this clock.
const DAY = new Date('2026-11-22T02:00:00Z');
const NIGHT = new Date('2026-11-22T16:30:00Z'); // 00:30 in Shanghai

describe('conversations over /api/messages (expectReplies)', function () {
  let kefu: RunningKefu;
  let now = DAY;
  /** The reasons recorded on the conversation's open handoff ([] when there is none). */
  const reasons = async (conversationId: string) => (await kefu.kefu.store.openFor(conversationId))?.reasons ?? [];

  before(async function () {
    this.timeout(60_000);
    kefu = await startKefu({}, { clock: () => now });
  });
  after(() => kefu.close());
  beforeEach(() => {
    now = DAY;
  });

  const client = (opts: ConstructorParameters<typeof BotClient>[1] = {}) => new BotClient(kefu.url, opts);
  // Each call mints a distinct token (as an app does per session): a token is bound to the first conversation using it.
  let minted = 0;
  const token = (sub: string, expSeconds: number, secret = DEV_USER_TOKEN_SECRET) =>
    signUserToken({ sub, iat: Math.floor(DAY.getTime() / 1000) - 60 - (minted += 1), exp: Math.floor(DAY.getTime() / 1000) + expSeconds }, secret);

  describe('greeting [000 PART02]', () => {
    it('greets a new member with the standard greeting and the top FAQs as quick replies', async () => {
      const c = client();
      const { activities } = await c.post(c.activity('conversationUpdate', { membersAdded: [{ id: 'customer-1' }] }));
      expect(activities).to.have.length(1);
      expect(activities[0].text).to.contain('您好，感谢联系');
      expect(activities[0].text).not.to.contain('抱歉打扰您休息');
      const titles = activities[0].suggestedActions?.actions.map((a) => a.title) ?? [];
      expect(titles).to.include.members(['查询订单', '退款进度', '转人工']);
    });

    it('acknowledges the late hour at night (22:00–06:00), and only then', async () => {
      now = NIGHT;
      const replies = await client().sayFull('你好');
      expect(replies[0].text).to.contain('您好').and.to.contain('这么晚');
      now = new Date('2026-11-22T23:00:00Z'); // 07:00 in Shanghai: morning, not night
      expect((await client().sayFull('你好'))[0].text).not.to.contain('这么晚');
    });

    it('greets in English when the customer writes English', async () => {
      const replies = await client().sayFull('hello there');
      expect(replies[0].text).to.match(/^Hello, thank you for contacting/);
      expect(replies[0].suggestedActions?.actions.map((a) => a.title)).to.include('Track my order');
    });
  });

  describe('FAQ answers from the knowledge base', () => {
    const cases: Array<{ text: string; expect: RegExp }> = [
      { text: '怎么开发票', expect: /申请开票/ },
      { text: '优惠券用不了是怎么回事', expect: /优惠券/ },
      { text: '忘记密码了登录不上', expect: /客服不会向您索要密码或验证码/ },
      { text: 'How do I get an invoice for my order?', expect: /Request invoice/i },
      { text: 'my promo code is not working', expect: /coupon|code/i },
      { text: "I forgot my password and can't log in", expect: /never ask for your password/i },
    ];
    for (const tc of cases) {
      it(`answers "${tc.text}"`, async () => {
        expect(await client().say(tc.text)).to.match(tc.expect);
      });
    }

    it('opens with empathy when the customer is angry [003 PART04]', async () => {
      const reply = await client().say('你们这什么破优惠券，气死我了，根本用不了！！');
      expect(reply).to.match(/抱歉|理解|重视/);
      expect(reply).to.contain('优惠券');
    });

    it('a quick-reply label routes straight to its intent', async () => {
      const reply = await client().say('开发票');
      expect(reply).to.contain('申请开票');
    });
  });

  describe('order flow [000 PART02, 001 二(三)]', () => {
    it('asks for the order ID, then the phone digits, then answers', async () => {
      const c = client();
      expect(await c.say('我的外卖到哪了')).to.contain('订单号');
      expect(await c.say('KF202611220001')).to.contain('后四位');
      const answer = await c.say('1234');
      expect(answer).to.contain('KF202611220001').and.to.contain('配送中');
      expect(answer).to.contain('超出预计送达时间');
      expect(answer).not.to.contain('13812341234');
    });

    it('takes the order ID from the first message and answers in English', async () => {
      const c = client();
      expect(await c.say('where is my order KF202611190003')).to.match(/last four digits/);
      const answer = await c.say('5678');
      expect(answer).to.contain('KF202611190003').and.to.contain('delivered');
    });

    it('re-asks with the format when the order ID is malformed', async () => {
      const c = client();
      await c.say('查一下我的订单');
      expect(await c.say('12345')).to.contain('KF开头加12位数字');
    });

    it('locks after three wrong digit answers and hands off with reason identity_failed', async () => {
      const c = client();
      await c.say('查物流 KF202611010005');
      expect(await c.say('0000')).to.contain('还可尝试 2 次');
      expect(await c.say('2222')).to.contain('还可尝试 1 次');
      const third = await c.say('3333');
      expect(third).to.contain('自助查询已暂停');
      expect(await reasons(c.conversationId)).to.deep.equal(['identity_failed']);
      // Still locked even with the right digits, and even after "start over".
      await c.say('重新开始');
      expect(await c.say('查物流 KF202611010005')).to.contain('自助查询已暂停');
    });

    it('a new conversation does not buy new guesses: three failures on an order lock it everywhere', async () => {
      for (const guess of ['0001', '0002', '0003']) {
        const c = client({ userId: `guesser-${guess}` });
        await c.say('退款进度 KF202611150004');
        await c.say(guess);
      }
      const next = client({ userId: 'guesser-4' });
      expect(await next.say('退款进度 KF202611150004')).to.contain('自助查询已暂停');
      expect(await reasons(next.conversationId)).to.deep.equal(['identity_failed']);
    });

    it('an unknown order gets exactly the reply a wrong answer gets (no existence oracle)', async () => {
      const a = client();
      await a.say('查物流 KF209912319999');
      const unknown = await a.say('1234');
      const b = client();
      await b.say('查物流 KF202611220001');
      const wrong = await b.say('9999');
      expect(unknown).to.equal(wrong);
    });

    it('a valid signed user token verifies without asking for digits', async () => {
      const c = client({ userId: 'u1001', channelData: { userToken: token('u1001', 600) } });
      const answer = await c.say('我的订单KF202611220001到哪了');
      expect(answer).not.to.contain('后四位');
      expect(answer).to.contain('配送中');
    });

    it('signed in with several orders, "帮我取消吧" lists them as buttons; tapping one acts on it without the digits', async () => {
      const c = client({ userId: 'u1001', channelData: { userToken: token('u1001', 600) } });
      const ask = await c.sayFull('帮我取消吧');
      const last = ask.at(-1);
      expect(last?.text).to.contain('您最近的订单').and.to.contain('KF202611220002').and.not.to.contain('KF202611190003'); // u1002's
      const buttons = last?.suggestedActions?.actions.map((a) => a.title) ?? [];
      expect(buttons).to.include.members(['KF202611220001', 'KF202611220002', 'KF202611220006']);
      expect(last?.text).not.to.match(/后四位|请提供您的订单号/);
      const offer = await c.say('KF202611220002');
      expect(offer).to.contain('可以取消').and.not.to.contain('后四位');
    });

    it('signed in with one order, "where is my order" answers for it without asking anything', async () => {
      const c = client({ userId: 'u1003', locale: 'en', channelData: { userToken: token('u1003', 600) } });
      const answer = await c.say('where is my order');
      expect(answer)
        .to.contain('KF202611010005')
        .and.not.to.match(/last four digits|order number/i);
    });

    it('an order list from a token never reaches a customer without one', async () => {
      const c = client({ userId: 'u1001' });
      const ask = await c.say('帮我取消吧');
      expect(ask).not.to.contain('KF2026');
      expect(ask).to.match(/订单号/);
    });

    it('a token for another user gets the same reply as an unknown order', async () => {
      const c = client({ userId: 'u1001', channelData: { userToken: token('u1001', 600) } });
      const other = await c.say('查物流 KF202611190003'); // belongs to u1002
      const unknown = await c.say('查物流 KF209912319999');
      expect(other).to.contain('暂未查询到订单 KF202611190003');
      expect(other.replace('KF202611190003', 'X')).to.equal(unknown.replace('KF209912319999', 'X'));
    });

    it('a token is bound to the first conversation that uses it: replayed in another, it is not trusted', async () => {
      const shared = token('u1001', 900);
      const first = client({ userId: 'u1001', channelData: { userToken: shared } });
      expect(await first.say('我的订单KF202611220001到哪了')).to.contain('配送中');
      const replay = client({ userId: 'u1001', channelData: { userToken: shared } });
      const reply = await replay.say('查物流 KF202611220001');
      expect(reply).to.contain('后四位').and.not.to.contain('配送中');
      // The first conversation keeps it.
      expect(await first.say('我的订单KF202611220001到哪了')).to.contain('配送中');
    });

    for (const [name, userToken] of [
      ['an expired token', () => token('u1001', -60)],
      ['a forged token', () => token('u1001', 600, 'not-the-real-secret-at-all')],
    ] as const) {
      it(`${name} is not trusted: verification falls back to the phone digits`, async () => {
        const c = client({ userId: 'u1001', channelData: { userToken: userToken() } });
        const reply = await c.say('查物流 KF202611220001');
        expect(reply).to.contain('登录凭证已失效').and.to.contain('后四位');
        expect(reply).not.to.contain('配送中');
      });
    }

    it("offers to cancel a cancellable order, asks the reason from the operator's list, files the request with it", async () => {
      const c = client();
      await c.say('我想取消订单 KF202611220002');
      const offer = await c.sayFull('1234');
      expect(offer.map((a) => a.text).join()).to.contain('可以取消');
      expect(offer.at(-1)?.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['确认提交', '暂不需要']);
      const ask = await c.sayFull('确认提交');
      expect(ask.at(-1)?.text).to.contain('原因');
      expect(ask.at(-1)?.suggestedActions?.actions.map((a) => a.title)).to.include('信息填错了');
      const done = await c.say('信息填错了');
      expect(done).to.match(/已为订单 KF202611220002 提交取消订单申请（原因：信息填错了），申请编号 R[0-9A-F]+/);
      const orders = kefu.kefu.orders;
      if (!(orders instanceof DemoOrderService)) throw new Error('expected the demo order service');
      expect(orders.requests.some((r) => r.orderId === 'KF202611220002' && r.kind === 'cancel' && r.reason === '信息填错了')).to.equal(true);
    });

    it('a verified order is not re-verified within the conversation', async () => {
      const c = client();
      await c.say('查物流 KF202611190003');
      await c.say('5678');
      const second = await c.say('退款 KF202611190003');
      expect(second).not.to.contain('后四位');
    });
  });

  describe('interruptions at any step', () => {
    it('"取消" at the digits prompt leaves the order flow', async () => {
      const c = client();
      await c.say('查物流 KF202611220001');
      expect(await c.say('取消')).to.contain('已取消');
      // The next message is routed afresh, not read as digits.
      expect(await c.say('怎么开发票')).to.contain('申请开票');
    });

    it('"转人工" at the order-ID prompt hands off with reason requested', async () => {
      const c = client();
      await c.say('我要退款');
      expect(await c.say('转人工')).to.contain('登记回电');
      expect(await reasons(c.conversationId)).to.deep.equal(['requested']);
    });

    it('"start over" works in English mid-dialog', async () => {
      const c = client();
      await c.say('I want to cancel my order');
      expect(await c.say('start over')).to.contain('cancelled');
    });
  });

  describe('handoff triggers from the dialogs (no agent online: callback tickets)', () => {
    it('asking for a person opens a handoff with reason requested and says when to expect contact', async () => {
      const c = client();
      const reply = await c.say('我要人工客服');
      expect(reply).to.contain('登记回电').and.to.contain('今天 13:00 前'); // 10:00 + the 3 h window, inside working hours
      const h = await kefu.kefu.store.openFor(c.conversationId);
      expect(h).to.include({ status: 'callback' });
      expect(h?.reasons).to.deep.equal(['requested']);
      expect(h?.packet.locale).to.equal('zh-CN');
    });

    it('the second fallback in a row hands off with reason nlu_fallback', async () => {
      const c = client();
      const first = await c.sayFull('今天上海天气怎么样');
      expect(first[0].text).to.contain('没有完全理解');
      expect(first[0].suggestedActions?.actions.length).to.be.greaterThan(2);
      expect(await reasons(c.conversationId)).to.deep.equal([]);
      await c.say('给我讲个笑话吧');
      expect(await reasons(c.conversationId)).to.deep.equal(['nlu_fallback']);
    });

    it('a second trigger adds to the open handoff instead of opening another', async () => {
      const c = client();
      await c.say('转人工');
      const first = await kefu.kefu.store.openFor(c.conversationId);
      await c.say('我要投诉，给我找人工');
      const again = await kefu.kefu.store.openFor(c.conversationId);
      expect(again?.id).to.equal(first?.id);
      expect(again?.reasons).to.deep.equal(['requested']);
    });
  });
});
