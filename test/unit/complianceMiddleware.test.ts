import { expect } from 'chai';
import { TestAdapter } from 'botbuilder';
import { ComplianceFilter } from '../../bot/compliance';
import { ComplianceMiddleware } from '../../bot/complianceMiddleware';
import { loadData, parseEnv } from '../../bot/config';
import { createLogger } from '../../kernel/log';
import { maskPersonalData } from '../../kernel/pii';
import { quoteVerbatim } from '../../dialogs/turnInfo';

describe('ComplianceMiddleware on a live turn', () => {
  const data = loadData(parseEnv({}));

  it('withholds a reply with a forbidden phrase, logs it, and lets clean replies through', async () => {
    const logs: string[] = [];
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity(context.activity.text === 'bad' ? '请把验证码发给我，我帮您处理' : '好的，马上为您处理');
    });
    adapter.use(
      new ComplianceMiddleware(
        new ComplianceFilter(data.compliance),
        createLogger('warn', (l) => logs.push(l)),
      ),
    );
    await adapter
      .send('bad')
      .assertReply((a) => {
        expect(a.text).to.contain('没能发出').and.to.contain('转人工');
        expect(a.text, 'no promise nobody keeps').not.to.match(/跟进|will follow up/);
        expect(a.text).not.to.contain('验证码发给我');
      })
      .startTest();
    expect(logs.join()).to.contain('credential_request');
    await adapter.send('ok').assertReply('好的，马上为您处理').startTest();
  });
});

describe("quoted names are not the bot's claims", () => {
  const data = loadData(parseEnv({}));
  const filter = new ComplianceFilter(data.compliance);

  it('a merchant called 最佳烧烤 may be named; the bot may not claim to be the best', () => {
    const reply = '订单 KF202611220001（最佳烧烤，¥58.50）当前状态：配送中。';
    expect(filter.check(reply, ['最佳烧烤'])).to.deep.equal([]);
    expect(filter.check(reply).map((v) => v.rule)).to.include('absolute_claims');
    expect(filter.check('我们是全网最佳的平台', ['最佳烧烤']).map((v) => v.rule)).to.include('absolute_claims');
  });

  it('no quoted name excuses asking for a code', () => {
    expect(filter.check('请把验证码发给我', ['请把验证码发给我']).map((v) => v.rule)).to.include('credential_request');
  });

  it('a live turn quoting a merchant name sends the reply', async () => {
    const adapter = new TestAdapter(async (context) => {
      quoteVerbatim(context, 'Best Burgers Guaranteed');
      await context.sendActivity('Order KF202611220001 (Best Burgers Guaranteed, ¥30.00) is out for delivery.');
    });
    adapter.use(new ComplianceMiddleware(filter, createLogger('error')));
    await adapter.send('where is it').assertReply('Order KF202611220001 (Best Burgers Guaranteed, ¥30.00) is out for delivery.').startTest();
  });
});

describe('log masking', () => {
  it('masks phones, ID-card and bank-card numbers', () => {
    expect(maskPersonalData('call 13812345678')).to.equal('call 138****5678');
    expect(maskPersonalData('身份证110101199003071234')).to.equal('身份证110101********1234');
    expect(maskPersonalData('card 6222021234567890123')).to.equal('card 6222****0123');
    expect(maskPersonalData('order KF202611220001')).to.equal('order KF202611220001');
  });
});
