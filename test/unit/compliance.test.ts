import { expect } from 'chai';
import { loadData, parseEnv } from '../../bot/config';
import { ComplianceFilter } from '../../bot/compliance';
import { allPromptTexts } from '../../dialogs/prompts';

describe('outbound compliance filter [001 三(三), 003 禁忌用語]', () => {
  const data = loadData(parseEnv({}));
  const filter = new ComplianceFilter(data.compliance);

  it('passes every shipped FAQ answer, empathy opener, greeting and bot sentence', () => {
    const texts: Array<[string, string]> = [];
    for (const [intent, a] of Object.entries(data.answers.intents)) texts.push([`answers.${intent}.zh`, a.zh], [`answers.${intent}.en`, a.en]);
    for (const [emotion, lists] of Object.entries(data.answers.empathy))
      [...lists.zh, ...lists.en].forEach((t, i) => texts.push([`empathy.${emotion}.${i}`, t]));
    for (const l of ['zh', 'en'] as const) texts.push([`menu.greeting.${l}`, data.menu.greeting[l]], [`menu.nightApology.${l}`, data.menu.nightApology[l]]);
    allPromptTexts().forEach((t, i) => texts.push([`prompts.${i}`, t]));
    expect(texts.length).to.be.greaterThan(100);
    const failures = texts.map(([where, t]) => ({ where, v: filter.check(t) })).filter((x) => x.v.length > 0);
    expect(failures).to.deep.equal([]);
  });

  const blocked: Array<[string, string]> = [
    ['absolute_claims', '我们的服务是行业最佳的'],
    ['absolute_claims', '这种情况绝对不可能发生'],
    ['absolute_claims', 'We are the best in class'],
    ['blame_shifting', '这是技术部门的问题，您找他们吧'],
    ['blame_shifting', '规则就是这样我们没办法'],
    ['blame_shifting', "Sorry, that's just the rules."],
    ['dismissing_feelings', '您太敏感了，别人都没问题'],
    ['credential_request', '请把密码告诉我，我帮您登录'],
    ['credential_request', '麻烦提供下验证码'],
    ['credential_request', 'Please send me the verification code you received'],
    ['credential_request', 'reply with your password so I can check'],
    // Security finding 9: dodges that used to pass.
    ['blame_shifting', '这不是我们 的责任'],
    ['blame_shifting', '这不是我们的责任！'],
    ['blame_shifting', 'not  our   problem'],
    ['credential_request', '請提供一下驗證碼'],
    ['credential_request', '麻烦把短信验证码发我一下'],
    ['credential_request', 'DM me your one time password'],
    ['credential_request', 'please text me the OTP'],
    ['absolute_claims', '我们是全网最低价'],
    ['absolute_claims', '我们是ｔｈｅ　ｂｅｓｔ？no — 頂級服务'],
    ['absolute_claims', 'We are the best!'],
    // Agent drafts as typed in a hurry.
    ['credential_request', '您把收到的验证码念一下给我'],
    ['credential_request', '方便发一下支付密码吗，我帮您查'],
    ['credential_request', 'can you share the pin you just got?'],
    ['credential_request', 'Please type your CVV here so we can verify the card'],
    ['blame_shifting', '这个不归我们管，您去找商家'],
    ['blame_shifting', 'There is nothing we can do about it.'],
    ['blame_shifting', '你自己没上传凭证，所以没法处理'],
    ['dismissing_feelings', '别人都没问题，就您有问题'],
    ['dismissing_feelings', "Honestly, you're overreacting."],
    ['absolute_claims', '百分之百保证明天送到'],
    ['absolute_claims', '我们从来没有出过这种问题'],
    ['absolute_claims', 'Delivery is guaranteed within 20 minutes.'],
  ];
  for (const [rule, text] of blocked) {
    it(`blocks "${text}" (${rule})`, () => {
      expect(filter.check(text).map((v) => v.rule)).to.include(rule);
    });
  }

  for (const text of [
    '客服不会向您索要密码或验证码',
    'We will never ask for your password or verification code.',
    '请勿向任何人提供验证码',
    '我们会第一时间同步您',
    'The best way to reach us is this chat.',
    'Which is the best time to call you back?',
    '请勿向任何人（包括客服）提供短信验证码',
    // Bot replies and agent drafts that must pass.
    '已为订单 KF202611220001 提交退款申请（原因：不想要了），申请编号 R1A2B3C4D5。',
    '非常抱歉让您久等了，我来帮您查一下。',
    'I understand how frustrating this is. Let me check the order for you.',
    '请回复该订单预留手机号的后四位数字，我们不会索要完整的验证码或密码。',
    '这个问题我转给同事跟进，今天18:00前给您答复。',
    'Your refund of ¥58.50 was approved and usually arrives in 1-3 working days.',
    '商家已确认缺货，我们为您申请了补发，您看可以吗？',
  ]) {
    it(`allows the safety notice "${text}"`, () => {
      expect(filter.check(text)).to.deep.equal([]);
    });
  }
});
