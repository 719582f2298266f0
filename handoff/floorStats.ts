import type { HandoffRecord } from './store';
import { HandoffReason, SkillGroup } from './types';

const HOUR = 3600_000;

/** The supervisor's charts of the last hours, hour by hour, drawn from the handoffs themselves. */
export interface FloorStats {
  /** The start of each hour (ISO); the console labels them in the supervisor's time zone. */
  hours: string[];
  /** Handoffs opened per hour, by the reason that opened them. */
  openedByReason: Record<HandoffReason, number[]>;
  /** Handoffs waiting for a person at the end of each hour, by group (the current hour: now). */
  queueDepth: Record<SkillGroup, number[]>;
  /** Time to agent (seconds) of the handoffs a person took, by the hour they were opened: median and 90th percentile; null when none. */
  timeToAgentP50: Array<number | null>;
  timeToAgentP90: Array<number | null>;
  /** Share of the hour's handoffs a person took within their SLA (those still waiting inside it are not counted yet); null when none. */
  slaAttainment: Array<number | null>;
  /** Mean survey score per dimension over the whole window, and how many surveys. */
  csat: { dimensions: Record<string, number>; surveys: number };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Computes the charts for the `hours` hours up to `now` from the handoffs opened in them. */
export function floorStats(records: readonly HandoffRecord[], now: number, hours = 24): FloorStats {
  const start = Math.floor(now / HOUR) * HOUR - (hours - 1) * HOUR;
  const slot = (t: number) => Math.floor((t - start) / HOUR);
  const zeros = () => Array.from({ length: hours }, () => 0);
  const openedByReason = Object.fromEntries(HandoffReason.options.map((r) => [r, zeros()])) as Record<HandoffReason, number[]>;
  const queueDepth = Object.fromEntries(SkillGroup.options.map((g) => [g, zeros()])) as Record<SkillGroup, number[]>;
  const waits: number[][] = Array.from({ length: hours }, () => []);
  const met = zeros();
  const judged = zeros();
  const sums: Record<string, { total: number; n: number }> = {};
  let surveys = 0;
  for (const h of records) {
    const i = slot(h.createdAt);
    if (i < 0 || i >= hours) continue;
    openedByReason[h.reasons[0] ?? 'requested'][i] += 1;
    if (h.assignedAt !== undefined) {
      waits[i].push((h.assignedAt - h.createdAt) / 1000);
      judged[i] += 1;
      if (h.assignedAt <= h.slaDueAt) met[i] += 1;
    } else if (h.status !== 'closed' && now > h.slaDueAt) {
      judged[i] += 1; // still waiting past its SLA: missed
    }
    // Waiting at the end of hour k: opened by then, not yet taken (or closed) by then, not a parked callback.
    const left = h.assignedAt ?? h.closedAt ?? (h.status === 'queued' ? Infinity : h.createdAt);
    for (let k = i; k < hours; k += 1) {
      const end = Math.min(start + (k + 1) * HOUR, now);
      if (h.createdAt <= end && left > end) queueDepth[h.group][k] += 1;
    }
    if (h.survey) {
      surveys += 1;
      for (const [d, score] of Object.entries(h.survey.scores)) {
        const s = (sums[d] ??= { total: 0, n: 0 });
        s.total += score;
        s.n += 1;
      }
    }
  }
  const sorted = waits.map((w) => [...w].sort((a, b) => a - b));
  return {
    hours: Array.from({ length: hours }, (_, k) => new Date(start + k * HOUR).toISOString()),
    openedByReason,
    queueDepth,
    timeToAgentP50: sorted.map((w) => quantile(w, 0.5)),
    timeToAgentP90: sorted.map((w) => quantile(w, 0.9)),
    slaAttainment: judged.map((n, k) => (n === 0 ? null : met[k] / n)),
    csat: { dimensions: Object.fromEntries(Object.entries(sums).map(([d, s]) => [d, Math.round((s.total / s.n) * 100) / 100])), surveys },
  };
}
