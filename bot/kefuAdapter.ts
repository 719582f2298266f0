import { CloudAdapter, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';

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
}
