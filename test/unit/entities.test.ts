import { expect } from 'chai';
import { extractEntities, hanNumber } from '../../nlu/entities';
import { detectLocale } from '../../nlu/locale';
import { normaliseLocale } from '../../kernel/locale';

describe('entities', () => {
  const cases: Array<{ text: string; orderIds?: string[]; phones?: string[]; amounts?: Array<[number, string]> }> = [
    { text: '订单号KF202611220001还没到', orderIds: ['KF202611220001'] },
    { text: 'order #kf-202611220001 please', orderIds: ['KF202611220001'] },
    { text: '订单 202611220001', orderIds: ['KF202611220001'] },
    { text: '订单 KF20261122000', orderIds: [] }, // 11 digits: not an order ID
    { text: '我的电话是 138 1234 5678', phones: ['13812345678'], orderIds: [] },
    { text: '+86-13812345678', phones: ['13812345678'] },
    { text: '身份证 110101199003071234', phones: [], orderIds: [] }, // 18 digits is neither
    { text: '扣了我两次 ¥58.5', amounts: [[58.5, 'CNY']] },
    { text: '退我 30 块钱', amounts: [[30, 'CNY']] },
    { text: 'charged $12.99 twice', amounts: [[12.99, 'USD']] },
    { text: 'KF202611220001 退款 99元', orderIds: ['KF202611220001'], amounts: [[99, 'CNY']] },
    // Issue 16, finding 7: what people actually type.
    { text: '单号 KF 2026 1122 0001', orderIds: ['KF202611220001'], phones: [] },
    { text: 'kf-2026-1122-0001 到哪了', orderIds: ['KF202611220001'] },
    { text: 'KF20261122-0001', orderIds: ['KF202611220001'] },
    { text: 'ＫＦ２０２６１１２２０００１', orderIds: ['KF202611220001'] },
    { text: '订单２０２６１１２２０００１', orderIds: ['KF202611220001'] },
    { text: '手机１３８１２３４５６７８', phones: ['13812345678'] },
    { text: '13812\u200b345678', phones: ['13812345678'] },
    { text: '多扣了二十块', amounts: [[20, 'CNY']] },
    { text: '三百五十元怎么还没退', amounts: [[350, 'CNY']] },
    { text: '一百二块钱', amounts: [[120, 'CNY']] },
    { text: '一百零五元', amounts: [[105, 'CNY']] },
    { text: '十五块', amounts: [[15, 'CNY']] },
    { text: '两千块的手机', amounts: [[2000, 'CNY']] },
    { text: '退了1.5k', amounts: [[1500, 'CNY']] },
    { text: '一共2万元', amounts: [[20000, 'CNY']] },
    { text: '￥３０', amounts: [[30, 'CNY']] },
    { text: 'I have 2 kids', amounts: [] },
  ];
  for (const tc of cases) {
    it(`"${tc.text}"`, () => {
      const e = extractEntities(tc.text);
      if (tc.orderIds) expect(e.orderIds).to.deep.equal(tc.orderIds);
      if (tc.phones) expect(e.phones).to.deep.equal(tc.phones);
      if (tc.amounts) expect(e.amounts.map((a) => [a.value, a.currency])).to.deep.equal(tc.amounts);
    });
  }

  it('reads Chinese numerals', () => {
    const table: Array<[string, number | undefined]> = [
      ['二十', 20],
      ['十', 10],
      ['三百五十', 350],
      ['三百五', 350],
      ['一千二', 1200],
      ['两万三', 23000],
      ['一万零五百', 10500],
      ['二三', undefined],
      ['百', undefined],
    ];
    for (const [text, value] of table) expect(hanNumber(text), text).to.equal(value);
  });

  it('removes entities from the text the classifier sees', () => {
    expect(extractEntities('退款 KF202611220001 到账了吗').residual).to.equal('退款 到账了吗');
  });
});

describe('locale detection', () => {
  it('detects per message, Han outweighing stray Latin words', () => {
    expect(detectLocale('我的app闪退了')).to.equal('zh-CN');
    expect(detectLocale('where is my order')).to.equal('en');
    expect(detectLocale('KF202611220001 退款')).to.equal('zh-CN');
    expect(detectLocale('refund KF202611220001')).to.equal('en');
  });
  it('keeps the hint for text with no letters', () => {
    expect(detectLocale('1234', 'en')).to.equal('en');
    expect(detectLocale('KF202611220001', 'en')).to.equal('en');
    expect(detectLocale('1234')).to.equal('zh-CN');
  });
  it('normalises client locale tags', () => {
    expect(normaliseLocale('zh-Hans-CN')).to.equal('zh-CN');
    expect(normaliseLocale('en-US')).to.equal('en');
    expect(normaliseLocale('fr-FR')).to.equal(undefined);
  });
});
