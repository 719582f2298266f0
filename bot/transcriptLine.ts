import type { TranscriptAttachment } from '../handoff/types';
import { maskPersonalData } from '../kernel/pii';

/** How a customer's message appears in the transcript and on the agent's screen: masked text, or what was attached. */
export function transcriptLine(text: string, attachments: number): string {
  return maskPersonalData(text || describeAttachments(attachments));
}

/** The files a message carries, as the transcript keeps them: web addresses only (no data: or script URLs), bounded. */
export function attachmentsOf(activity: { attachments?: unknown[] }): TranscriptAttachment[] {
  const out: TranscriptAttachment[] = [];
  for (const raw of (activity.attachments ?? []).slice(0, 10)) {
    const a = raw as { contentType?: unknown; contentUrl?: unknown; name?: unknown };
    if (typeof a.contentUrl !== 'string' || !/^https?:\/\//i.test(a.contentUrl) || a.contentUrl.length > 2000) continue;
    out.push({
      contentType: typeof a.contentType === 'string' ? a.contentType.slice(0, 100) : 'application/octet-stream',
      url: a.contentUrl,
      ...(typeof a.name === 'string' ? { name: maskPersonalData(a.name.slice(0, 200)) } : {}),
    });
  }
  return out;
}

function describeAttachments(n: number): string {
  return n > 0 ? `[${n} attachment${n === 1 ? '' : 's'}]` : '[empty message]';
}
