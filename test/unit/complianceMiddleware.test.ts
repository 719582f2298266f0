import { expect } from 'chai';
import { TestAdapter } from 'botbuilder';
import { ComplianceFilter } from '../../bot/compliance';
import { ComplianceMiddleware } from '../../bot/complianceMiddleware';
import { loadData, parseEnv } from '../../bot/config';
import { createLogger } from '../../kernel/log';
import { maskPersonalData } from '../../kernel/pii';

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
        expect(a.text).to.contain('未通过内容合规检查');
        expect(a.text).not.to.contain('验证码发给我');
      })
      .startTest();
    expect(logs.join()).to.contain('credential_request');
    await adapter.send('ok').assertReply('好的，马上为您处理').startTest();
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
