import { EventFactory } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import type { HandoffTicket } from '../handoff/handoffService';
import type { TranscriptEntry } from '../handoff/types';
import type { Locale } from '../kernel/locale';
import { PROMPTS } from './prompts';
import { isAgentHub } from './turnInfo';

/** What the customer is told when their handoff is opened, added to, assigned or turned into a callback. */
export function handoffNotice(ticket: HandoffTicket, locale: Locale, riskReply?: string): string {
  const p = PROMPTS[locale].handoff;
  const sep = locale === 'en' ? ' ' : '';
  // A high-risk reply from risk-handling.json says what to do now; the wait that follows is the queue's own, never a promise of minutes.
  const lead = ticket.reason === 'high_risk' && ticket.created ? `${riskReply ?? p.highRisk}${sep}` : ticket.reason === 'timeout' ? `${p.timeout}${sep}` : '';
  if (!ticket.created && ticket.reason !== 'high_risk') return p.added;
  switch (ticket.status) {
    case 'assigned':
      return lead + p.assigned({ id: ticket.id, agent: ticket.agentName ?? '' });
    case 'callback':
      return lead + p.callback({ id: ticket.id, within: ticket.callbackWithin ?? '', phone: ticket.callbackPhone });
    case 'queued':
      if (ticket.nobodyOnline) return lead + (ticket.callbackOffered === false ? p.nobodyOnlineUrgent : p.queuedNobody({ id: ticket.id }));
      return lead + p.queued({ id: ticket.id, ahead: Math.max(0, (ticket.position ?? 1) - 1), minutes: ticket.etaMinutes ?? 1 });
    default:
      return lead + p.added;
  }
}

/** Bot Framework's handoff.initiate event, with the context packet and the transcript, for agent hubs. */
export function handoffInitiation(context: TurnContext, ticket: HandoffTicket): Partial<Activity> {
  const transcript = { activities: ticket.packet.transcript.map((e) => transcriptActivity(e)) };
  return EventFactory.createHandoffInitiation(context, ticket.packet, transcript as never);
}

function transcriptActivity(e: TranscriptEntry): Partial<Activity> {
  return {
    type: 'message',
    text: e.text,
    timestamp: new Date(e.at),
    from: { id: e.agentId ?? e.speaker, name: e.speaker, role: e.speaker === 'customer' ? 'user' : 'bot' },
  };
}

/**
 * Everything the channel gets when a handoff is opened or added to, in order. The context packet
 * (handoff.initiate) goes only to an agent hub the operator lists; the customer's own client gets
 * handoff.status, which carries no customer data.
 */
export function handoffActivities(context: TurnContext, ticket: HandoffTicket, locale: Locale, riskReply?: string): Array<Partial<Activity>> {
  const out: Array<Partial<Activity>> = [{ type: 'message', text: handoffNotice(ticket, locale, riskReply) }];
  if (ticket.created && isAgentHub(context)) out.push(handoffInitiation(context, ticket));
  else if (ticket.created && ticket.status === 'assigned') out.push(EventFactory.createHandoffStatus(context.activity.conversation, 'accepted'));
  // No agent could take it: Bot Framework hubs hear "failed", with the callback promise.
  if (ticket.created && ticket.status === 'callback') {
    out.push(EventFactory.createHandoffStatus(context.activity.conversation, 'failed', `no agent available; callback booked (${ticket.callbackWithin ?? ''})`));
  }
  return out;
}
