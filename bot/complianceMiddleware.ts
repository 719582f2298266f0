import type { Middleware, TurnContext } from 'botbuilder';
import { detectLocale } from '../nlu/locale';
import type { ComplianceFilter } from './compliance';
import type { Logger } from '../kernel/log';

const WITHHELD = {
  'zh-CN': '抱歉，这条回复未通过内容合规检查，已记录并将由人工客服跟进。如需帮助，请回复“转人工”。',
  en: 'Sorry, this reply did not pass our content compliance check. It has been logged and an agent will follow up; type "human" if you need help now.',
} as const;

/** The last step before anything leaves: no reply carries a forbidden phrase [001 三(三), 003 禁忌用語]. */
export class ComplianceMiddleware implements Middleware {
  constructor(
    private readonly filter: ComplianceFilter,
    private readonly log: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (ctx, activities, sendNext) => {
      for (const activity of activities) {
        if (activity.type !== 'message' || !activity.text) continue;
        const violations = this.filter.check(activity.text);
        if (violations.length === 0) continue;
        this.log.warn('outbound message withheld by compliance filter', {
          conversation: ctx.activity.conversation.id,
          rules: violations.map((v) => v.rule),
          matches: violations.map((v) => v.match),
        });
        activity.text = WITHHELD[detectLocale(activity.text)];
      }
      return sendNext();
    });
    await next();
  }
}
