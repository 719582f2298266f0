import type { Middleware, TurnContext } from 'botbuilder';
import { detectLocale } from '../nlu/locale';
import type { ComplianceFilter } from './compliance';
import type { Logger } from '../kernel/log';
import { verbatimOf } from '../dialogs/turnInfo';

/** What is said instead of a withheld reply: only what is true (no promise that someone will follow up). */
const WITHHELD = {
  'zh-CN': '抱歉，这条回复没能发出。如需帮助，请回复“转人工”，人工客服会为您处理。',
  en: 'Sorry, that reply could not be sent. If you need help, type "human" and an agent will take it from here.',
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
        const violations = this.filter.check(activity.text, verbatimOf(ctx));
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
