import { expect } from 'chai';
import { maskPersonalData } from '../../kernel/pii';

/**
 * Security finding 5: personal data in every form it is typed (zh and en, full-width, separators,
 * zero-width characters), and what must stay readable.
 */
const MASKED: Array<[string, string]> = [
  ['我的手机是13812341234', '我的手机是138****1234'],
  ['手机 138 1234 1234', '手机 138****1234'],
  ['手机138-1234-1234', '手机138****1234'],
  ['phone 138.1234.1234', 'phone 138****1234'],
  ['+86 138 1234 1234', '138****1234'],
  ['+8613812341234', '138****1234'],
  ['86-138-1234-1234', '138****1234'],
  ['１３８１２３４１２３４', '138****1234'],
  ['138\u200B1234\u200B1234', '138****1234'],
  ['13\u200D8123\uFEFF41234', '138****1234'],
  ['两个号码 13812341234、13998765678', '两个号码 138****1234、139****5678'],
  ['call me at 13912345678 please', 'call me at 139****5678 please'],
  ['卡号6222021234567890123', '卡号6222****0123'],
  ['卡号 6222 0212 3456 7890 123', '卡号 6222****0123'],
  ['card 6222-0212-3456-7890', 'card 6222****7890'],
  ['card 4111 1111 1111 1111', 'card 4111****1111'],
  ['６２２２０２１２３４５６７８９０', '6222****7890'],
  ['身份证11010119900307123X', '身份证110101********123X'],
  ['身份证 110101 19900307 1234', '身份证 110101********1234'],
  ['ID 110101-1990-0307-1234', 'ID 110101********1234'],
  ['身份证号110101199003071234', '身份证号110101********1234'],
  ['老身份证 110101900307123', '老身份证 110101******123'],
  ['邮箱 zhang.san@example.com', '邮箱 z***@example.com'],
  ['email me: Li_Si+shop@mail.qq.com', 'email me: L***@mail.qq.com'],
  ['验证码是583920', '验证码是******'],
  ['验证码：5839', '验证码：****'],
  ['短信验证码 583920，别告诉别人', '短信验证码 ******，别告诉别人'],
  ['动态密码为 123456', '动态密码为 ******'],
  ['my verification code is 583920', 'my verification code is ******'],
  ['OTP: 583920', 'OTP: ******'],
  ['one-time password 77881234', 'one-time password ********'],
  ['取件码 8823', '取件码 ****'],
  ['座机 010-62345678', '座机 010-****5678'],
  ['办公室电话 0755 8765 4321', '办公室电话 0755-****4321'],
  ['tel 021-5555-1234', 'tel 021-****1234'],
  ['联系 02087654321', '联系 020-****4321'],
  ['手机和邮箱：13812341234 / a@b.cn', '手机和邮箱：138****1234 / a***@b.cn'],
  ['全角卡号　６２２２　０２１２　３４５６　７８９０', '全角卡号 6222****7890'],
];

const READABLE = [
  'KF202611220001',
  '订单号 KF202611220001 到哪了',
  '订单202611220001',
  'kf-202611220001',
  '金额 199.00 元',
  '¥1234567',
  '退款 58.50 元，2026-11-22 12:30 到账',
  '2026年11月22日',
  '预计 18:30 送达',
  '邮编 100101',
  'postcode 100101',
  'ping me at 9:30',
  '我要 3 份，一共 12 个',
  'the promo code SAVE20 did not work',
];

describe('personal data masked in every form it is typed', () => {
  for (const [typed, shown] of MASKED) {
    it(`${JSON.stringify(typed)} → ${JSON.stringify(shown)}`, () => {
      expect(maskPersonalData(typed)).to.equal(shown);
    });
  }
  for (const text of READABLE) {
    it(`${JSON.stringify(text)} stays readable`, () => {
      expect(maskPersonalData(text)).to.equal(text);
    });
  }
  it('is idempotent: masking twice changes nothing more', () => {
    for (const [typed] of MASKED) expect(maskPersonalData(maskPersonalData(typed))).to.equal(maskPersonalData(typed));
  });
});
