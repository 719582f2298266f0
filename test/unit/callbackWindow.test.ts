import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { callbackWindow, RoutingFile } from '../../handoff/routing';
import { fromRoot } from '../../kernel/paths';

/** Shanghai wall-clock time on 2026-11-22 as a Date (UTC+8, no DST). */
const at = (hm: string) => new Date(`2026-11-22T${hm}:00+08:00`);

describe('callback windows a customer can hold us to (working hours 08:00–23:00 Asia/Shanghai, window 3 h)', () => {
  const routing = RoutingFile.parse(JSON.parse(readFileSync(fromRoot('handoff/data/routing.json'), 'utf8')));
  const cases: Array<[string, string, string]> = [
    ['15:00', '今天 18:00 前', 'by 18:00 today'],
    ['15:20', '今天 19:00 前', 'by 19:00 today'], // rounded up to the hour, never sooner than promised
    ['21:30', '今天 23:00 前', 'by 23:00 today'], // never past closing time
    ['23:30', '明天 8:00 后', 'after 8:00 tomorrow'],
    ['06:00', '今天 8:00 后', 'after 8:00 today'],
  ];
  for (const [time, zh, en] of cases) {
    it(`at ${time}: “${zh}” / “${en}”`, () => {
      expect(callbackWindow(routing, at(time), 'zh-CN')).to.equal(zh);
      expect(callbackWindow(routing, at(time), 'en')).to.equal(en);
    });
  }
});
