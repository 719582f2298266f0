import { CloudAdapter, StatusCodes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Response } from 'express';
import { sendError } from '../kernel/http';

/**
 * Where the outgoing activities of a channel kefu terminates itself (its own Direct Line, WeChat)
 * go instead of a Bot Framework connector.
 */
export interface OutboundSink {
  handles(context: TurnContext): boolean;
  send(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]>;
}

/**
 * The Bot Framework adapter with kefu's own channels as the last step of every send. A sink that
 * were a middleware would miss what an earlier middleware sends before handing on the turn (the
 * handoff gate answers a high-risk message itself, and never calls the bot): those replies would
 * go to the channel's placeholder service URL and fail. Here every reply passes every middleware's
 * send handler (compliance, transcript) first, then reaches its channel, whoever sent it.
 */
export class KefuAdapter extends CloudAdapter {
  private readonly sinks: OutboundSink[] = [];

  addSink(sink: OutboundSink): void {
    this.sinks.push(sink);
  }

  override async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const sink = this.sinks.find((s) => s.handles(context));
    return sink ? sink.send(context, activities) : super.sendActivities(context, activities);
  }

  /**
   * One activity posted over HTTP that the route has already validated (IncomingActivity), run as
   * `CloudAdapter.process` runs it — authenticated, then the turn, then the invoke response — but
   * without its second validation: `process` builds new zod schemas for every request and parses
   * the body with them again (about 5% of a saturated kefu's CPU).
   */
  async processValidated(authorization: string, activity: Activity, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let invokeResponse;
    try {
      invokeResponse = await this.processActivity(authorization, withDates(activity), logic);
    } catch (err) {
      if (err instanceof AuthenticationError) return void sendError(res, 'unauthorized', err.message);
      throw err;
    }
    res.status(invokeResponse?.status ?? StatusCodes.OK);
    if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
    res.end();
  }
}

/** What botbuilder's validateAndFixActivity does to a posted activity: its timestamps become Dates, the raw text kept. */
function withDates(activity: Activity): Activity {
  const a = activity as unknown as Record<string, unknown>;
  for (const [field, raw] of DATE_FIELDS) {
    const value = a[field];
    if (typeof value === 'string') [a[raw], a[field]] = [value, new Date(value)];
  }
  return activity;
}

const DATE_FIELDS = [
  ['timestamp', 'rawTimestamp'],
  ['localTimestamp', 'rawLocalTimestamp'],
  ['expiration', 'rawExpiration'],
] as const;
