import { expect } from 'chai';
import { languageSignal, nextLanguage, type LanguageState } from '../../dialogs/conversationLanguage';
import type { Locale } from '../../kernel/locale';

describe("the conversation's language", () => {
  it('short or ambiguous text says nothing about the language', () => {
    for (const t of ['ok', '👍', 'KF202611220001', '1234', 'thx', 'hi', '好', 'OK好']) expect(languageSignal(t), t).to.equal(undefined);
  });

  it('clear sentences and explicit requests do', () => {
    expect(languageSignal('发票怎么开')).to.deep.equal({ locale: 'zh-CN', explicit: false });
    expect(languageSignal('where is my order')).to.deep.equal({ locale: 'en', explicit: false });
    expect(languageSignal('我的app闪退了')).to.deep.equal({ locale: 'zh-CN', explicit: false });
    expect(languageSignal('can you speak English please')).to.deep.equal({ locale: 'en', explicit: true });
    expect(languageSignal('请说中文')).to.deep.equal({ locale: 'zh-CN', explicit: true });
  });

  /** Runs a conversation's messages through, each with what the recogniser detected for it alone. */
  const run = (messages: Array<[string, Locale]>): Locale[] => {
    let state: LanguageState | undefined;
    return messages.map(([text, detected]) => (state = nextLanguage(state, text, detected)).locale);
  };

  it('is set by the first message and kept through short replies', () => {
    expect(
      run([
        ['发票怎么开', 'zh-CN'],
        ['ok', 'en'],
        ['thanks', 'en'],
        ['👍', 'zh-CN'],
      ]),
    ).to.deep.equal(['zh-CN', 'zh-CN', 'zh-CN', 'zh-CN']);
    expect(
      run([
        ['where is my order', 'en'],
        ['KF202611220001', 'en'],
        ['1234', 'en'],
        ['好', 'zh-CN'],
      ]),
    ).to.deep.equal(['en', 'en', 'en', 'en']);
  });

  it('changes on a run of two clear messages in the other language, or at once when asked', () => {
    expect(
      run([
        ['hello there friend', 'en'],
        ['发票怎么开', 'zh-CN'],
        ['优惠券怎么用', 'zh-CN'],
      ]),
    ).to.deep.equal(['en', 'en', 'zh-CN']);
    expect(
      run([
        ['hello there friend', 'en'],
        ['发票怎么开', 'zh-CN'],
        ['ok thanks a lot', 'en'],
        ['优惠券怎么用', 'zh-CN'],
      ]),
    ).to.deep.equal(['en', 'en', 'en', 'en']);
    expect(
      run([
        ['你好', 'zh-CN'],
        ['English please', 'en'],
      ]),
    ).to.deep.equal(['zh-CN', 'en']);
  });
});
