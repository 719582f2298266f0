import { expect } from 'chai';
import { parseYesNo, phoneProofIn } from '../../dialogs/orderDialog';
import { parseRatings } from '../../dialogs/surveyDialog';

/** How customers answer the bot's questions, read the way a person would. */
describe('reading answers', () => {
  it('yes and no, the way they are typed', () => {
    const yes = [
      '是',
      '好的',
      '确认提交',
      '嗯',
      'ok',
      'Sure!',
      '好的，麻烦登记一下吧',
      '行吧 就这样',
      'yes, file it',
      'yeah do that',
      '可以的',
      '那就帮我退吧',
      '取消吧 谢谢',
      'okay go ahead',
      '👍',
    ];
    const no = ['不用', '暂不需要', 'no', 'nope', 'not now', 'no thanks, I will wait', '先不了', '还是算了吧', '别取消了', 'hmm actually keep it', 'wait, no'];
    const neither = ['是不是要等很久', '要多久', '不错', '这个怎么弄', 'how long will it take', 'what does that mean'];
    for (const t of yes) expect(parseYesNo(t), t).to.equal(true);
    for (const t of no) expect(parseYesNo(t), t).to.equal(false);
    for (const t of neither) expect(parseYesNo(t), t).to.equal(undefined);
  });

  it('proof of the phone given with the request', () => {
    expect(phoneProofIn('查订单 KF202611220001 手机尾号1234')).to.equal('1234');
    expect(phoneProofIn('KF202611220001，后4位 5678')).to.equal('5678');
    expect(phoneProofIn('KF202611220001 9876')).to.equal('9876');
    expect(phoneProofIn('order KF202611220001, phone ending in 4321')).to.equal('4321');
    expect(phoneProofIn('我的号码 138 1234 1234 订单KF202611220001')).to.equal('13812341234');
    expect(phoneProofIn('尾号一二三四')).to.equal('1234');
    expect(phoneProofIn('KF202611220001 到哪了')).to.equal(undefined);
    expect(phoneProofIn('KF202611220001 2026年11月买的 1234')).to.equal(undefined); // two numbers: which one?
  });

  it('survey verdicts', () => {
    const now = new Date();
    expect(parseRatings('5', now)?.scores.overall).to.equal(5);
    expect(parseRatings('3分吧，回复有点慢', now)).to.deep.include({ comment: '吧，回复有点慢', flagged: true });
    expect(parseRatings('挺好的', now)?.scores.attitude).to.equal(5);
    expect(parseRatings('太差了，没解决', now)).to.deep.include({ flagged: true });
    expect(parseRatings('还有个问题', now)).to.equal(undefined);
    expect(parseRatings('12点前能送到吗', now)).to.equal(undefined);
  });
});
