import { expect } from 'chai';
import { AgentClient } from '../../testkit/agentClient';
import { BotClient } from '../../testkit/botClient';
import { ConnectorStub } from '../../testkit/connectorStub';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

/**
 * Multi-turn conversations as customers write them (BotBuilder-Samples' test-case tables, over
 * real HTTP): each turn says what the reply must and must not contain. A step may instead be an
 * agent closing the chat the customer was handed to.
 */
type Match = string | RegExp;
type Step = { say: string; expect?: Match[]; not?: Match[] } | { agentCloses: true };
interface Conversation {
  title: string;
  locale?: string;
  steps: Step[];
}

// What no reply should ever contain: internals, placeholders, promises nothing backs.
const NEVER: Match[] = [
  /undefined|NaN|\[object/,
  /已提醒骑手|已催促|we've asked the rider|chased the courier/,
  /稍后可能会邀请您为本次服务评分|invited to rate this chat/,
];
// The retry when something that is not an order number came: said once, never in place of an answer.
const ORDER_LECTURE = /我需要订单号才能查到|I need the order number/;
const ASK_ORDER = /请提供您的订单号|Please send your order number/;
const ASK_LAST4 = /后四位|last four digits/;

const conversations: Conversation[] = [
  // 1. Memory across turns.
  {
    title: 'after verifying, "能不能退款" acts on the verified order instead of asking for it again',
    steps: [
      { say: '我的外卖到哪了 KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['配送中'] },
      { say: '我不想等了，能不能退款', expect: ['KF202611220001'], not: [ASK_ORDER] },
    ],
  },
  {
    title: 'after verifying, "退款多久能到账" answers for that order',
    steps: [
      { say: '查一下KF202611150004', expect: [ASK_LAST4] },
      { say: '5678', expect: ['KF202611150004'] },
      { say: '退款多久能到账', expect: ['KF202611150004', /到账/], not: [ASK_ORDER] },
    ],
  },
  {
    title: 'after verifying, "帮我取消吧" is about that order',
    steps: [
      { say: 'KF202611220002 什么时候送到', expect: [ASK_LAST4] },
      { say: '尾号1234', expect: ['KF202611220002'] },
      { say: '帮我取消吧', expect: ['KF202611220002'], not: [ASK_ORDER, ASK_LAST4] },
    ],
  },
  {
    title: 'two verified orders: "到哪了" asks which one, with the two as buttons',
    steps: [
      { say: '查订单 KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220001'] },
      { say: '还有这个 KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220002'] },
      { say: '到哪了', expect: [/哪个订单/], not: [ASK_ORDER] },
      { say: 'KF202611220002', expect: ['KF202611220002'] },
    ],
  },
  {
    title: 'order ID and phone digits in one message: nothing asked again',
    steps: [{ say: '查订单 KF202611220001 手机尾号1234', expect: ['配送中'], not: [ASK_LAST4] }],
  },
  {
    title: 'the full, correct phone number counts as proof, not as a failed attempt',
    steps: [
      { say: '查订单 KF202611220001', expect: [ASK_LAST4] },
      { say: '手机是13812341234', expect: ['配送中'], not: [/还可尝试/] },
    ],
  },
  {
    title: 'a wrong full phone number is a failed attempt',
    steps: [
      { say: '查订单 KF202611220001', expect: [ASK_LAST4] },
      { say: '13900000000', expect: [/还可尝试/], not: ['配送中'] },
    ],
  },
  {
    title: 'English: order and last four in one message',
    locale: 'en-US',
    steps: [{ say: 'where is KF202611220001, last 4 digits 1234', expect: ['out for delivery'], not: [ASK_LAST4] }],
  },
  {
    title: 'English: after verifying, "can I get a refund" uses that order',
    locale: 'en-US',
    steps: [
      { say: 'Where is my order KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220001'] },
      { say: "I don't want to wait anymore, can I get a refund?", expect: ['KF202611220001'], not: [ASK_ORDER] },
    ],
  },
  // 2. Prompts that listen.
  {
    title: 'thanks while the order number is awaited ends the question politely',
    steps: [
      { say: '查订单', expect: [ASK_ORDER] },
      { say: '谢谢', expect: [/不客气/], not: [ORDER_LECTURE] },
    ],
  },
  {
    title: 'goodbye while the order number is awaited',
    steps: [
      { say: '我要查物流', expect: [ASK_ORDER] },
      { say: '拜拜', not: [ORDER_LECTURE, ASK_ORDER] },
    ],
  },
  {
    title: 'a complaint while the order number is awaited gets an apology, not a format lecture',
    steps: [
      { say: '我要退款', expect: [ASK_ORDER] },
      { say: '那你们就这样？太差劲了', expect: [/抱歉/], not: [ORDER_LECTURE, /祝您生活愉快/] },
      { say: 'KF202611220006', expect: [ASK_LAST4] },
    ],
  },
  {
    title: '"I have no order number" is helped, in Chinese',
    steps: [
      { say: '帮我查下订单', expect: [ASK_ORDER] },
      { say: '我没有订单号', expect: [/我的 > 订单/, /转人工/], not: [ORDER_LECTURE] },
    ],
  },
  {
    title: '"I don\'t have it" is helped, in English',
    locale: 'en-US',
    steps: [
      { say: 'track my order', expect: [ASK_ORDER] },
      { say: "I don't have it", expect: [/Me > Orders/], not: [ORDER_LECTURE] },
    ],
  },
  {
    title: 'thx bye while the order number is awaited',
    locale: 'en-US',
    steps: [
      { say: 'where is my order', expect: [ASK_ORDER] },
      { say: 'thx bye', not: [ORDER_LECTURE, ASK_ORDER] },
    ],
  },
  {
    title: 'a different question while the order number is awaited is answered',
    locale: 'en-US',
    steps: [
      { say: 'where is my order', expect: [ASK_ORDER] },
      { say: 'actually how do invoices work', expect: [/invoice/i], not: [ORDER_LECTURE, "didn't quite get that"] },
    ],
  },
  {
    title: 'a different question in Chinese while the digits are awaited is answered',
    steps: [
      { say: '查订单 KF202611220001', expect: [ASK_LAST4] },
      { say: '优惠券怎么用', expect: [/优惠券|券/], not: [/请输入 4 位数字/] },
    ],
  },
  {
    title: '转人工 while the order number is awaited hands off at once',
    steps: [
      { say: '查订单', expect: [ASK_ORDER] },
      { say: '转人工', expect: [/人工客服|回电|客服/], not: [ORDER_LECTURE] },
    ],
  },
  {
    title: 'two misses: buttons and a way out, not a third lecture',
    steps: [
      { say: '查订单', expect: [ASK_ORDER] },
      { say: '就是昨天那个', expect: [ORDER_LECTURE] },
      { say: '你自己查啊', not: [ORDER_LECTURE, ASK_ORDER] },
    ],
  },
  {
    title: 'giving up mid-question: "算了不查了"',
    steps: [
      { say: '查订单', expect: [ASK_ORDER] },
      { say: '算了不查了', expect: [/取消/], not: [ORDER_LECTURE] },
    ],
  },
  {
    title: 'a question in answer to "shall I submit?" is answered, not met with the same offer',
    locale: 'en-US',
    steps: [
      { say: 'order KF202611190003 please', expect: [ASK_LAST4] },
      { say: '5678', expect: ['KF202611190003'] },
      { say: 'i want to send it back', expect: [/submit/i] },
      { say: 'wait how many days until i get my money back?', expect: [/working days/i], not: [/Shall I submit/i] },
    ],
  },
  {
    title: 'a plain yes to the offer is still a yes',
    steps: [
      { say: '我要取消 KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: ['可以取消'] },
      { say: '嗯嗯 可以的', expect: [/原因/] },
    ],
  },
  {
    title: 'urging after the status: a request to hurry, not a product suggestion',
    steps: [
      { say: '外卖咋还没到 KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['配送中'] },
      { say: '能不能让骑手快点啊', not: [/建议|意见反馈/] },
    ],
  },
  {
    title: 'an angry "that\'s it?" is a complaint, never a cheerful goodbye',
    steps: [
      { say: '怎么开发票', expect: [/发票/] },
      { say: '就这么回复我？？太敷衍了吧', expect: [/抱歉|投诉|转人工/], not: [/祝您生活愉快|很高兴能帮到您/] },
    ],
  },
  {
    title: 'English: "bye, useless!!" gets an apology and a way forward, not a farewell',
    locale: 'en-US',
    steps: [
      { say: 'how do I use a coupon?', expect: [/coupon/i] },
      { say: 'ugh forget it, you are useless, bye!!', expect: [/sorry|apolog/i], not: [/have a great day|glad I could help/i] },
    ],
  },
  {
    title: '"退了吧" about a meal on its way is about the money, never the 7-day return of goods',
    steps: [
      { say: '我点的外卖还没到 KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['配送中'] },
      { say: '算了 退了吧', expect: ['KF202611220001', /退款/], not: [/7 ?天无理由/] },
    ],
  },
  // 3. Empathy first, and once.
  {
    title: 'anger about a late delivery: empathy before the question',
    steps: [{ say: '你们怎么回事！！我的外卖都一个小时了还没送到，饿死了', expect: [/^[^。]*(抱歉|理解|着急|焦急)/, ASK_ORDER] }],
  },
  {
    title: 'the empathy is said once across the question and the answer',
    steps: [
      { say: '气死我了，外卖到底还送不送了', expect: [/抱歉|理解|着急|焦急/, ASK_ORDER] },
      { say: 'KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['配送中'], not: [/理解您的心情|理解您的焦急|非常重视您的反馈/] },
    ],
  },
  {
    title: 'English anger: empathy first',
    locale: 'en-US',
    steps: [{ say: 'This is ridiculous. My food was supposed to arrive an hour ago!!', expect: [/^(I'm|We|I understand|Sorry|I know)/, ASK_ORDER] }],
  },
  {
    title: 'a worried hello gets a kind word',
    steps: [{ say: '在吗在吗😭', expect: [/着急|焦急|别着急|理解/, /您好/] }],
  },
  {
    title: 'a late order: one apology, and no claim that anyone was chased',
    steps: [
      { say: '外卖怎么还没到 KF202611220001', expect: [ASK_LAST4] },
      { say: '1234', expect: ['25 分钟'], not: [/抱歉[^]*抱歉/] },
    ],
  },
  {
    title: 'an order that cannot be refunded is not followed by how to apply',
    steps: [
      { say: 'KF202611220001 我要退款', expect: [ASK_LAST4] },
      { say: '1234', expect: [/暂不支持|转人工/], not: [/申请退款 中提交申请/] },
    ],
  },
  // 4. The language stays the customer's.
  {
    title: 'a Chinese customer typing "ok" is answered in Chinese',
    steps: [
      { say: '发票怎么开', expect: [/开票/] },
      { say: 'ok', not: [/[A-Za-z]{4,}\s+[A-Za-z]{4,}/] },
    ],
  },
  {
    title: 'a Chinese customer sending 👍 stays in Chinese',
    steps: [
      { say: '优惠券怎么用', expect: [/券/] },
      { say: '👍', not: [/\b(the|you|your|please)\b/i] },
      { say: '那会员呢', expect: [/[\u4e00-\u9fff]{6}/] },
    ],
  },
  {
    title: 'an English customer sending an order ID stays in English',
    locale: 'en-US',
    steps: [
      { say: 'where is my parcel', expect: [ASK_ORDER] },
      { say: 'KF202611220001', expect: ['last four digits'] },
      { say: '1234', expect: ['out for delivery'] },
    ],
  },
  {
    title: 'an explicit request switches language',
    steps: [
      { say: '你好', expect: [/您好/] },
      { say: 'can you speak English please', expect: [/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/], not: [/[\u4e00-\u9fff]{4}/] },
    ],
  },
  {
    title: 'one English word in a Chinese conversation does not flip it',
    steps: [
      { say: '我想开发票', expect: [/开票/] },
      { say: 'thanks', expect: [/[\u4e00-\u9fff]/] },
    ],
  },
  // 5. The survey never traps.
  {
    title: 'survey: a question after the close is answered, not met with the re-prompt',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '还有个问题，发票怎么开', expect: [/开票/], not: [/打分|分数/] }],
  },
  {
    title: 'survey: 转人工 after the close reaches a person',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '转人工', expect: [/人工客服|回电/], not: [/打分|分数/] }],
  },
  {
    title: 'survey: "你听不懂吗，我要人工" after the close reaches a person',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '你听不懂吗，我要人工', expect: [/人工客服|回电/], not: [/还有什么可以帮您？$/] }],
  },
  {
    title: 'survey: a one-message answer with a comment is taken',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '5 5 4 5 5 很满意', expect: [/感谢/] }],
  },
  {
    title: 'survey: "都很好" is an answer',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '都很好', expect: [/感谢/], not: [/打分|分数/] }],
  },
  {
    title: 'survey: a tapped button is an answer',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '4 满意', expect: [/感谢/] }],
  },
  {
    title: 'survey: two stray messages end it',
    steps: [{ say: '转人工' }, { agentCloses: true }, { say: '嗯嗯' }, { say: '哦', not: [/打分|分数|点选/] }],
  },
  {
    title: 'survey in English: "great job" is an answer',
    locale: 'en-US',
    steps: [{ say: 'talk to a person' }, { agentCloses: true }, { say: 'great job, thanks', expect: [/thank/i], not: [/rate this chat/] }],
  },
  // 6. Entities as typed.
  {
    title: 'an order ID typed with spaces',
    steps: [
      { say: '订单 KF 2026 1122 0001 到哪了', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220001'] },
    ],
  },
  {
    title: 'an order ID in full-width digits',
    steps: [
      { say: '查订单ＫＦ２０２６１１２２０００１', expect: [ASK_LAST4] },
      { say: '１２３４', expect: ['KF202611220001'] },
    ],
  },
  {
    title: 'an order ID with hyphens, English',
    locale: 'en-US',
    steps: [
      { say: 'status of kf-2026-1122-0001?', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220001'] },
    ],
  },
  // 7. The README's flows.
  {
    title: 'README: an FAQ in Chinese, then one in English in a new conversation',
    steps: [{ say: '怎么开发票', expect: [/申请开票/] }],
  },
  {
    title: 'README: an English FAQ',
    locale: 'en-US',
    steps: [{ say: 'how do I use a coupon', expect: [/coupon/i] }],
  },
  {
    title: 'README: cancelling a preparing order is offered, asks the reason, and is filed with a reference',
    steps: [
      { say: '取消订单 KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220002', /取消/] },
      { say: '确认提交', expect: [/原因/] },
      { say: '等太久了', expect: [/提交取消订单申请（原因：等太久了），申请编号 R/] },
    ],
  },
  {
    title: 'a refund in English: the reason is typed freely and confirmed with the reference',
    locale: 'en-US',
    steps: [
      { say: 'I want a refund for KF202611190003', expect: [ASK_LAST4] },
      { say: '5678', expect: ['KF202611190003'] },
      { say: 'yes', expect: [/reason/i] },
      {
        say: 'the screen arrived cracked',
        expect: [/refund request for order KF202611190003 \(reason: the screen arrived cracked\) has been filed, reference R/],
      },
    ],
  },
  // 8. Said back, acknowledged, confirmed the way people confirm.
  {
    title: '"能再说一遍吗" repeats the last answer',
    steps: [
      { say: '电子发票多久能收到', expect: [/工作日/] },
      { say: '不好意思刚没看到，能再说一遍吗', expect: [/工作日/] },
    ],
  },
  {
    title: 'the same FAQ asked again is not pasted a second time: a person is offered',
    steps: [
      { say: '优惠券用不了', expect: [/券/] },
      { say: '还是用不了啊，优惠券', expect: [/转人工/], not: [/满减门槛/] },
    ],
  },
  {
    title: 'a thumbs-up is acknowledged, not misunderstood',
    steps: [
      { say: '怎么开发票', expect: [/开票/] },
      { say: '👍', not: [/没有完全理解/] },
    ],
  },
  {
    title: 'a yes with more words files the request',
    steps: [
      { say: '取消订单 KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: [/取消/] },
      { say: '好的，帮我取消吧', expect: [/原因/] },
    ],
  },
  {
    title: 'second thoughts are a no',
    locale: 'en-US',
    steps: [
      { say: 'cancel KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: [/cancel/i] },
      { say: 'hmm, on second thought, keep it', expect: [/nothing|not|no changes/i], not: [/reason/i] },
    ],
  },
  {
    title: 'a request for the action while the digits are awaited is no failed attempt',
    steps: [
      { say: '退款 KF202611220006', expect: [ASK_LAST4] },
      { say: '快点帮我退了', expect: [ASK_LAST4], not: [/还可尝试/] },
      { say: '1234', expect: ['KF202611220006'] },
    ],
  },
  {
    title: 'the order number and the digits side by side, after another question',
    steps: [
      { say: '发票怎么开', expect: [/开票/] },
      { say: '查一下 KF202611220001 1234', expect: ['配送中'], not: [ASK_LAST4] },
    ],
  },
  {
    title: '"算了，给我转人工" reaches a person',
    steps: [
      { say: '查订单', expect: [ASK_ORDER] },
      { say: '算了，给我转人工', expect: [/人工客服|回电/] },
    ],
  },
  {
    title: 'a short follow-up about the verified order is about that order',
    steps: [
      { say: 'KF202611220001 到哪了', expect: [ASK_LAST4] },
      { say: '1234', expect: ['配送中'] },
      { say: '那大概还要多久？', expect: ['KF202611220001'], not: [/没有完全理解/, ASK_ORDER] },
    ],
  },
  {
    title: 'the order number and the digits together, answering the question for the number',
    steps: [
      { say: '我要查个订单', expect: [ASK_ORDER] },
      { say: 'KF202611220002 尾号1234', expect: ['KF202611220002'], not: [ASK_LAST4] },
    ],
  },
  {
    title: '"确定取消" confirms',
    steps: [
      { say: '帮我取消 KF202611220002', expect: [ASK_LAST4] },
      { say: '1234', expect: [/取消/] },
      { say: '确定取消', expect: [/原因/] },
    ],
  },
  {
    title: 'asking for Chinese in an English conversation is answered in Chinese',
    locale: 'en-US',
    steps: [
      { say: 'how do I get an invoice', expect: [/invoice/i] },
      { say: '我可以说中文吗', expect: [/当然可以/] },
    ],
  },
  {
    title: 'waiting after a food-safety report: medical advice, not bank advice',
    steps: [
      { say: '吃了你们家的烧烤，全家都上吐下泻', expect: [/专员|就医/] },
      { say: '现在怎么办', expect: [/就医/], not: [/银行/] },
    ],
  },
  {
    title: 'two order numbers in one message: the first is answered, the second is not silently dropped',
    steps: [
      { say: '帮我看看 KF202611220006 和 KF202611220001 这两单', expect: [ASK_LAST4] },
      { say: '1234', expect: ['KF202611220006', 'KF202611220001'] },
      { say: 'KF202611220001', expect: [ASK_LAST4], not: [ASK_ORDER] }, // a different order: its own check
    ],
  },
];

describe('conversations, turn by turn (zh and en)', function () {
  this.timeout(60_000);
  let kefu: RunningKefu;
  // The customer's channel: where what the bot says outside a turn (agent replies, the survey) goes.
  const channel = new ConnectorStub();
  let serviceUrl: string;
  before(async () => {
    serviceUrl = await channel.start();
    kefu = await startKefu({ AGENTS_FILE: 'test/fixtures/agents.test.json' });
  });
  after(async () => {
    await (kefu as RunningKefu | undefined)?.close();
    await channel.close();
  });

  it(`has at least 40 conversations (${conversations.length})`, () => {
    expect(conversations.length).to.be.at.least(40);
  });

  for (const conv of conversations) {
    it(conv.title, async () => {
      const c = new BotClient(kefu.url, conv.locale ? { locale: conv.locale } : {});
      const said: string[] = [];
      // Conversations that reach an agent find Alice online, so the handoff is hers at once.
      const alice = new AgentClient(kefu.url, 'test-token-alice');
      const withAgent = conv.steps.some((s) => 'agentCloses' in s);
      if (withAgent) await alice.online();
      for (const step of conv.steps) {
        if ('agentCloses' in step) {
          await closeByAgent(kefu, alice, c.conversationId);
          continue;
        }
        const reply = await c.say(step.say, { serviceUrl });
        said.push(`> ${step.say}\n< ${reply}`);
        const where = `\n${said.join('\n')}`;
        for (const m of step.expect ?? []) expect(matches(reply, m), `expected ${String(m)} in the reply to "${step.say}"${where}`).to.equal(true);
        for (const m of [...(step.not ?? []), ...NEVER])
          expect(matches(reply, m), `did not expect ${String(m)} in the reply to "${step.say}"${where}`).to.equal(false);
      }
      if (withAgent) {
        // A conversation that asked for a person again leaves Alice free for the next one.
        const open = await kefu.kefu.store.openFor(c.conversationId);
        if (open?.assignedTo === 'alice') await alice.call('POST', `/handoffs/${open.id}/close`, { resolution: 'test' });
        await alice.call('PUT', '/presence', { status: 'offline' });
      }
    });
  }
});

function matches(text: string, m: Match): boolean {
  return typeof m === 'string' ? text.includes(m) : m.test(text);
}

/** Alice (online when the customer asked) closes the conversation's handoff; the customer then gets the survey. */
async function closeByAgent(kefu: RunningKefu, alice: AgentClient, conversationId: string): Promise<void> {
  const h = await kefu.kefu.store.openFor(conversationId);
  if (h?.status !== 'assigned' || h.assignedTo !== 'alice')
    throw new Error(`expected the handoff to be Alice's: ${JSON.stringify(h && { status: h.status, to: h.assignedTo })}`);
  const closed = await alice.call('POST', `/handoffs/${h.id}/close`, { resolution: 'test' });
  if (closed.status !== 200) throw new Error(`close: HTTP ${closed.status}`);
}
