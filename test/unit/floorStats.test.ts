import { expect } from 'chai';
import { floorStats } from '../../handoff/floorStats';
import type { HandoffRecord } from '../../handoff/store';
import { record } from '../../testkit/handoffFixtures';

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 11, 4, 15, 30); // 15:30 UTC: the last bucket is 15:00–15:30

/** A handoff opened at `opened`, taken after `tookMin` minutes (or never), with an SLA of `slaMin` minutes. */
function h(opened: number, tookMin: number | undefined, slaMin: number, extra: Partial<HandoffRecord> = {}): HandoffRecord {
  const r = record({ createdAt: opened, group: extra.group ?? 'general', reason: extra.reasons?.[0] ?? 'requested' });
  return {
    ...r,
    status: tookMin === undefined ? 'queued' : 'closed',
    slaDueAt: opened + slaMin * 60_000,
    ...(tookMin === undefined ? {} : { assignedAt: opened + tookMin * 60_000, closedAt: opened + (tookMin + 5) * 60_000 }),
    ...extra,
  };
}

describe('the supervisor’s charts of the day (handoff/floorStats.ts)', () => {
  const at = (hh: number, mm: number) => Date.UTC(2026, 11, 4, hh, mm);
  const records = [
    h(at(13, 10), 2, 5), // taken in 2 min, SLA 5: met
    h(at(13, 20), 10, 5), // taken in 10 min: missed
    h(at(14, 0), 1, 5, { reasons: ['high_risk'], group: 'food_safety', priority: 'urgent' }),
    h(at(15, 0), undefined, 10), // still waiting, past its SLA at 15:30
    h(at(15, 25), undefined, 10, { group: 'orders' }), // still waiting, inside its SLA
    h(at(14, 50), 20, 30, { survey: { scores: { efficiency: 4, attitude: 2, clarity: 5, solution: 4, overall: 3 }, at: '', flagged: true } }),
    h(at(14, 55), 3, 30, { survey: { scores: { efficiency: 5, attitude: 4, clarity: 5, solution: 5, overall: 5 }, at: '', flagged: false } }),
    h(NOW - 30 * HOUR, 1, 5), // before the window: not counted
  ];
  const stats = floorStats(records, NOW);
  const last = 23;

  it('24 hourly buckets ending with the current hour', () => {
    expect(stats.hours).to.have.length(24);
    expect(stats.hours[last]).to.equal(new Date(at(15, 0)).toISOString());
  });

  it('counts handoffs opened per hour by reason', () => {
    expect(stats.openedByReason.requested[last - 2]).to.equal(2); // 13:00
    expect(stats.openedByReason.high_risk[last - 1]).to.equal(1); // 14:00
    expect(stats.openedByReason.requested[last - 1]).to.equal(2); // 14:50, 14:55
    expect(stats.openedByReason.requested[last]).to.equal(2); // 15:00, 15:25
    expect(
      Object.values(stats.openedByReason)
        .flat()
        .reduce((a, b) => a + b, 0),
    ).to.equal(7);
  });

  it('queue depth at the end of each hour, by group: only who is still waiting then', () => {
    expect(stats.queueDepth.general[last - 2]).to.equal(0); // both 13:xx ones taken by 13:30
    expect(stats.queueDepth.general[last - 1]).to.equal(1); // 14:50 waits until 15:10
    expect(stats.queueDepth.general[last]).to.equal(1); // 15:00 still waiting at 15:30
    expect(stats.queueDepth.orders[last]).to.equal(1);
    expect(stats.queueDepth.food_safety[last - 1]).to.equal(0);
  });

  it('time to agent by the hour opened, and SLA attainment counting a wait already past its SLA as missed', () => {
    expect(stats.timeToAgentP50[last - 2]).to.equal(600); // of 120 s and 600 s, the upper median
    expect(stats.timeToAgentP90[last - 1]).to.equal(1200);
    expect(stats.slaAttainment[last - 2]).to.equal(0.5);
    expect(stats.slaAttainment[last - 1]).to.equal(1);
    expect(stats.slaAttainment[last]).to.equal(0); // 15:00 missed; 15:25 not judged yet
    expect(stats.slaAttainment[0]).to.equal(null);
  });

  it('CSAT: the mean of each dimension over the surveys of the window', () => {
    expect(stats.csat.surveys).to.equal(2);
    expect(stats.csat.dimensions).to.deep.equal({ efficiency: 4.5, attitude: 3, clarity: 5, solution: 4.5, overall: 4 });
  });
});
