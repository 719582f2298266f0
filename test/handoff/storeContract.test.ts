import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryHandoffStore } from '../../infra/memory/handoffStore';
import { RedisHandoffStore } from '../../infra/redis/handoffStore';
import { createRedis } from '../../infra/redis/connection';
import { DUE_LEASE_MS, type AgentRef, type HandoffStore, type TransitionResult } from '../../handoff/store';
import { record } from '../../testkit/handoffFixtures';
import { testRedis, testRedisCluster, uniqueNamespace } from '../../testkit/redisServer';
import { queueScore, SkillGroup } from '../../handoff/types';
import { HandoffIdTakenError } from '../../handoff/errors';
import { fromRoot } from '../../kernel/paths';

const alice: AgentRef = { id: 'alice', capacity: 2 };
const bob: AgentRef = { id: 'bob', capacity: 2 };
const sup: AgentRef = { id: 'carol', capacity: 2, supervisor: true };

/** One conformance suite, run against every store implementation. */
function contract(name: string, make: () => Promise<HandoffStore>): void {
  describe(`HandoffStore contract: ${name}`, function () {
    this.timeout(20_000);
    let store: HandoffStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(() => store.dispose());

    it('opens one handoff per conversation; a second trigger adds its reason and raises priority', async () => {
      const first = record({ reason: 'requested' });
      const a = await store.open(first);
      expect(a.created).to.equal(true);
      const second = { ...record({ conversationId: first.conversationId, reason: 'high_risk', priority: 'urgent', group: 'safety' }) };
      const b = await store.open(second);
      expect(b.created).to.equal(false);
      expect(b.handoff.id).to.equal(first.id);
      expect(b.handoff.reasons).to.deep.equal(['requested', 'high_risk']);
      expect(b.handoff.priority).to.equal('urgent');
      expect(b.handoff.group).to.equal('safety');
      expect((await store.openFor(first.conversationId))?.id).to.equal(first.id);
    });

    it('never opens a handoff over another one with the same id, open or closed: refused, nothing written', async () => {
      const first = record();
      await store.open(first);
      const clash = record({ priority: 'urgent' });
      const err = await store.open({ ...clash, id: first.id }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HandoffIdTakenError);
      expect(await store.get(first.id)).to.deep.include({ conversationId: first.conversationId, priority: 'normal' });
      expect(await store.openFor(clash.conversationId)).to.equal(undefined);
      expect((await store.queued()).map((h) => h.id)).to.deep.equal([first.id]);
      await store.claim(first.id, alice, 1);
      await store.close(first.id, alice, 'done', [], 2);
      expect(await store.open({ ...clash, id: first.id }).catch((e: unknown) => e)).to.be.instanceOf(HandoffIdTakenError);
      expect((await store.open(clash)).created).to.equal(true);
    });

    it('orders the queue by priority, then by waiting time', async () => {
      const t = Date.now();
      const late = record({ priority: 'normal', createdAt: t - 1000 });
      const urgent = record({ priority: 'urgent', createdAt: t });
      const early = record({ priority: 'normal', createdAt: t - 5000 });
      for (const r of [late, urgent, early]) await store.open(r);
      expect((await store.queued()).map((h) => h.id)).to.deep.equal([urgent.id, early.id, late.id]);
      const next = await store.claimNext(alice, ['general'], t);
      expect(next?.id).to.equal(urgent.id);
      expect(next?.status).to.equal('assigned');
      expect(next?.assignedTo).to.equal('alice');
    });

    it('counts who is ahead in a queue without reading it: higher priority, or the same and older, in the given groups only', async () => {
      const t = Date.now();
      const mine = record({ priority: 'normal', createdAt: t });
      const older = record({ priority: 'normal', createdAt: t - 1000 });
      const urgentLater = record({ priority: 'urgent', createdAt: t + 1000 });
      const younger = record({ priority: 'normal', createdAt: t + 1000 });
      const otherGroup = record({ priority: 'urgent', createdAt: t - 5000, group: 'orders' });
      const parked = record({ priority: 'urgent', createdAt: t - 5000 });
      const taken = record({ priority: 'urgent', createdAt: t - 5000 });
      for (const r of [mine, older, urgentLater, younger, otherGroup, parked, taken]) await store.open(r);
      await store.toCallback(parked.id, t, { dueAt: t + 60_000 });
      expect((await store.claim(taken.id, alice, t)).ok).to.equal(true);
      const score = queueScore('normal', t);
      expect(await store.ahead(['general'], score)).to.equal(2); // older, urgentLater
      expect(await store.ahead(['general', 'orders'], score)).to.equal(3);
      expect(await store.ahead(['general', 'general'], score)).to.equal(2);
      expect(await store.ahead(['orders'], queueScore('urgent', t - 5000))).to.equal(0);
      expect(await store.ahead(['food_safety'], score)).to.equal(0);
    });

    it('finds the queued handoffs waiting since before a time with a priority or a reason, most urgent and oldest first, without the rest', async () => {
      const t = Date.now();
      const urgentOld = record({ priority: 'urgent', createdAt: t - 90_000, group: 'orders' });
      const riskOld = record({ priority: 'normal', createdAt: t - 120_000, reason: 'high_risk', group: 'safety' });
      const urgentNew = record({ priority: 'urgent', createdAt: t - 1000 });
      const plainOld = record({ priority: 'normal', createdAt: t - 300_000 });
      const urgentTaken = record({ priority: 'urgent', createdAt: t - 300_000 });
      const urgentParked = record({ priority: 'urgent', createdAt: t - 300_000 });
      // A second trigger adds its reason to an open handoff: found by the reason it gained.
      const raisedLater = record({ priority: 'high', createdAt: t - 100_000, reason: 'requested' });
      for (const r of [urgentOld, riskOld, urgentNew, plainOld, urgentTaken, urgentParked, raisedLater]) await store.open(r);
      await store.open(record({ conversationId: raisedLater.conversationId, reason: 'high_risk', priority: 'high' }));
      await store.claim(urgentTaken.id, alice, t);
      await store.toCallback(urgentParked.id, t, { dueAt: t + 60_000 });
      const match = { priority: 'urgent', reason: 'high_risk' } as const;
      expect((await store.waitingWith(match, t - 60_000, 10)).map((h) => h.id)).to.deep.equal([urgentOld.id, raisedLater.id, riskOld.id]);
      expect((await store.waitingWith(match, t - 60_000, 1)).map((h) => h.id)).to.deep.equal([urgentOld.id]); // serving order across queues, then cut
      expect((await store.waitingWith(match, t - 110_000, 10)).map((h) => h.id)).to.deep.equal([riskOld.id]);
      expect(await store.waitingWith({ priority: 'normal', reason: 'timeout' }, t, 10)).to.have.length(2); // riskOld and plainOld
    });

    it('reads the head of the queue: the first of the given groups, and the earliest tickets', async () => {
      const t = Date.now();
      const queued = [
        record({ priority: 'normal', createdAt: t - 3000 }),
        record({ priority: 'urgent', createdAt: t - 1000, group: 'orders' }),
        record({ priority: 'high', createdAt: t - 2000 }),
        record({ priority: 'normal', createdAt: t - 4000, group: 'orders' }),
        record({ priority: 'normal', createdAt: t - 5000, group: 'payments' }),
      ];
      const tickets = [record({ createdAt: t - 9000 }), record({ createdAt: t - 9000, group: 'orders' }), record({ createdAt: t - 9000 })];
      for (const r of [...queued, ...tickets]) await store.open(r);
      for (const [i, r] of tickets.entries()) await store.toCallback(r.id, t, { dueAt: t + (i + 1) * 60_000 });
      const ids = async (read: Parameters<HandoffStore['queued']>[0]) => (await store.queued(read)).map((h) => h.id);
      const [normalOld, urgent, high, ordersOld, payments] = queued.map((r) => r.id);
      const [first, second, third] = tickets.map((r) => r.id);
      expect(await ids({})).to.deep.equal([urgent, high, payments, ordersOld, normalOld, first, second, third]);
      expect(await ids({ limit: 2 })).to.deep.equal([urgent, high, first, second]);
      expect(await ids({ groups: ['general'], limit: 5 })).to.deep.equal([high, normalOld, first, third]);
      expect(await ids({ groups: ['orders', 'payments'], callbacks: false })).to.deep.equal([urgent, payments, ordersOld]);
      expect(await ids({ waiting: false, limit: 2 })).to.deep.equal([first, second]);
    });

    it('counts the queues per group and priority, with each group’s longest wait, reading no record', async () => {
      const t = Date.now();
      const rs = [
        record({ priority: 'normal', createdAt: t - 3000 }),
        record({ priority: 'urgent', createdAt: t - 1000 }),
        record({ priority: 'normal', createdAt: t - 7000 }),
        record({ priority: 'high', createdAt: t - 8000, group: 'orders' }),
        record({ priority: 'urgent', createdAt: t - 9000, group: 'payments' }),
        record({ priority: 'urgent', createdAt: t - 9500, group: 'payments' }),
      ];
      for (const r of rs) await store.open(r);
      await store.claim(rs[5].id, alice, t);
      await store.toCallback(rs[2].id, t, { dueAt: t + 60_000 }); // a ticket is not waiting live
      expect(await store.queueStats()).to.deep.equal({
        waiting: { general: { urgent: 1, high: 0, normal: 1 }, orders: { urgent: 0, high: 1, normal: 0 }, payments: { urgent: 1, high: 0, normal: 0 } },
        oldestCreatedAt: { general: t - 3000, orders: t - 8000, payments: t - 9000 },
      });
    });

    it('lists the queued handoffs past their SLA, longest overdue first', async () => {
      const t = Date.now();
      const late = record({ createdAt: t - 60_000 });
      const later = record({ createdAt: t - 60_000 });
      const onTime = record({ createdAt: t });
      const taken = record({ createdAt: t - 60_000 });
      for (const [r, due] of [
        [late, t - 20_000],
        [later, t - 10_000],
        [onTime, t + 60_000],
        [taken, t - 30_000],
      ] as const)
        await store.open({ ...r, slaDueAt: due });
      await store.claim(taken.id, alice, t);
      // The worker's SLA sweep raises each breach once; the supervisor's list still shows them.
      await store.takeSlaBreaches(t, 100);
      expect((await store.slaBreached(t, 10)).map((h) => h.id)).to.deep.equal([late.id, later.id]);
      expect((await store.slaBreached(t, 1)).map((h) => h.id)).to.deep.equal([late.id]);
    });

    it('claims are atomic: of many concurrent claims exactly one wins', async () => {
      const r = record();
      await store.open(r);
      const agents = Array.from({ length: 20 }, (_, i) => ({ id: `agent-${i}`, capacity: 5 }));
      const results = await Promise.all(agents.map((a) => store.claim(r.id, a, Date.now())));
      expect(results.filter((x) => x.ok)).to.have.length(1);
      expect(results.filter((x) => !x.ok).map((x) => x.error)).to.satisfy((errs: string[]) => errs.every((e) => e === 'not_queued'));
      const loads = await store.loads();
      expect(Object.values(loads).reduce((a, b) => a + b, 0)).to.equal(1);
    });

    it('concurrent claimNext never hands one customer to two agents', async () => {
      const records = Array.from({ length: 10 }, () => record());
      for (const r of records) await store.open(r);
      const agents = Array.from({ length: 15 }, (_, i) => ({ id: `a${i}`, capacity: 1 }));
      const got = (await Promise.all(agents.map((a) => store.claimNext(a, ['general'], Date.now())))).filter(Boolean);
      expect(got).to.have.length(10);
      expect(new Set(got.map((h) => h?.id)).size).to.equal(10);
    });

    it('respects capacity', async () => {
      const one = { id: 'solo', capacity: 1 };
      const [r1, r2] = [record(), record()];
      await store.open(r1);
      await store.open(r2);
      expect((await store.claim(r1.id, one, 1)).ok).to.equal(true);
      expect(await store.claim(r2.id, one, 2)).to.deep.equal({ ok: false, error: 'at_capacity' });
      expect(await store.claimNext(one, ['general'], 3)).to.equal(undefined);
    });

    it('only the holder or a supervisor may transfer or close', async () => {
      const r = record();
      await store.open(r);
      await store.claim(r.id, alice, 1);
      expect(await store.close(r.id, bob, 'x', [], 2)).to.deep.equal({ ok: false, error: 'not_yours' });
      expect(await store.transfer(r.id, bob, { group: 'orders' }, undefined, 2)).to.deep.equal({ ok: false, error: 'not_yours' });
      const moved = await store.transfer(r.id, alice, { group: 'orders' }, 'needs order team', 3);
      expect(moved.ok && moved.handoff).to.include({ status: 'queued', group: 'orders' });
      expect(moved.ok && moved.handoff.transfers[0]).to.include({ by: 'alice', toGroup: 'orders', note: 'needs order team' });
      expect((await store.loads()).alice).to.equal(0);
      const direct = await store.transfer(r.id, sup, { agent: bob }, undefined, 4);
      expect(direct.ok && direct.handoff).to.include({ status: 'assigned', assignedTo: 'bob' });
      const closed = await store.close(r.id, bob, 'refunded', ['refund'], 5);
      expect(closed.ok && closed.handoff).to.include({ status: 'closed', resolution: 'refunded' });
      expect(closed.ok && closed.handoff.tags).to.deep.equal(['refund']);
      expect(await store.openFor(r.conversationId)).to.equal(undefined);
      expect(await store.close(r.id, bob, 'again', [], 6)).to.deep.equal({ ok: false, error: 'closed' });
    });

    it('a callback ticket leaves the queue but can still be claimed', async () => {
      const r = record();
      await store.open(r);
      expect((await store.toCallback(r.id, 1, { dueAt: 5000 })).ok).to.equal(true);
      expect(await store.claimNext(alice, ['general'], 2)).to.equal(undefined);
      expect((await store.queued()).map((h) => h.status)).to.deep.equal(['callback']);
      // The live queue alone, for a customer's place in line: the ticket is not in it.
      const live = record();
      await store.open(live);
      expect((await store.queued({ callbacks: false })).map((h) => h.id)).to.deep.equal([live.id]);
      expect((await store.queued()).map((h) => h.id)).to.deep.equal([live.id, r.id]);
      expect((await store.claim(live.id, bob, 2)).ok).to.equal(true);
      expect(await store.callbacksWaiting()).to.equal(1);
      expect((await store.claim(r.id, alice, 3)).ok).to.equal(true);
      expect(await store.callbacksWaiting()).to.equal(0);
    });

    it('callback tickets: promised time as SLA, earliest promise first, the number kept until close, back to callbacks when requeued', async () => {
      const t = Date.now();
      const late = record({ createdAt: t - 20_000 });
      const soon = record({ createdAt: t - 10_000 });
      await store.open(late);
      await store.open(soon);
      expect(await store.setCallbackPhone(late.id, '13812341234')).to.deep.equal({ ok: false, error: 'not_queued' });
      const a = await store.toCallback(late.id, t, { dueAt: t + 90_000, phone: '13812341234' });
      expect(a.ok && a.handoff).to.deep.include({ status: 'callback', slaDueAt: t + 90_000, callback: { dueAt: t + 90_000, phone: '13812341234' } });
      await store.toCallback(soon.id, t, { dueAt: t + 30_000 });
      expect((await store.queued()).map((h) => h.id)).to.deep.equal([soon.id, late.id]);
      const given = await store.setCallbackPhone(soon.id, '13900001111');
      expect(given.ok && given.handoff.callback).to.deep.equal({ dueAt: t + 30_000, phone: '13900001111' });
      // SLA tracking follows the promise: due at the promised time, not before.
      expect(await store.takeSlaBreaches(t + 29_000, 10)).to.deep.equal([]);
      expect(await store.takeSlaBreaches(t + 30_000, 10)).to.deep.equal([soon.id]);
      // Claimed, then the agent leaves: back to the callback queue, never to the live queue.
      expect((await store.claim(late.id, alice, t + 1)).ok).to.equal(true);
      const back = await store.requeue(late.id, 'alice', 'alice went away', t + 2);
      expect(back.ok && back.handoff.status).to.equal('callback');
      expect(await store.waiting()).to.equal(0);
      expect(await store.callbacksWaiting()).to.equal(2);
      expect((await store.loads()).alice).to.equal(0);
      // Closed after the call: the number is not archived.
      expect((await store.claim(late.id, alice, t + 3)).ok).to.equal(true);
      const closed = await store.close(late.id, alice, 'called back', [], t + 4);
      expect(closed.ok && closed.handoff.callback).to.deep.equal({ dueAt: t + 90_000 });
      expect(await store.setCallbackPhone(late.id, '13812341234')).to.deep.equal({ ok: false, error: 'not_queued' });
    });

    it('a more urgent trigger makes a callback ticket live again: queued, no longer a promise', async () => {
      const r = record({ priority: 'normal' });
      await store.open(r);
      await store.toCallback(r.id, 1, { dueAt: 9_000, phone: '13812341234' });
      const raised = await store.open(record({ conversationId: r.conversationId, priority: 'urgent', reason: 'high_risk' }));
      expect(raised.handoff).to.include({ id: r.id, status: 'queued', priority: 'urgent' });
      expect(raised.handoff.callback).to.equal(undefined);
      expect(await store.callbacksWaiting()).to.equal(0);
      expect((await store.claimNext(alice, ['general'], 2))?.id).to.equal(r.id);
    });

    it('deadlines: armed, cleared, and each due one taken exactly once', async () => {
      expect(await store.armDeadline('c-a', 100)).to.equal(true);
      expect(await store.armDeadline('c-b', 200)).to.equal(true);
      expect(await store.armDeadline('c-c', 300)).to.equal(true);
      await store.clearDeadline('c-b');
      const takers = await Promise.all(Array.from({ length: 10 }, () => store.takeDueDeadlines(250, 10)));
      expect(takers.flat().sort()).to.deep.equal(['c-a']);
      expect(await store.takeDueDeadlines(1000, 10)).to.deep.equal(['c-c']);
    });

    it('a taken deadline is leased, not lost: unacknowledged, it is taken again (once) when the lease runs out', async () => {
      await store.armDeadline('lease-a', 100);
      await store.armDeadline('lease-b', 100);
      expect((await store.takeDueDeadlines(200, 10)).sort()).to.deep.equal(['lease-a', 'lease-b']);
      await store.acknowledge('deadlines', ['lease-a']); // handled; lease-b's taker "died"
      expect(await store.takeDueDeadlines(200 + DUE_LEASE_MS - 1, 10)).to.deep.equal([]);
      const retakers = await Promise.all(Array.from({ length: 5 }, () => store.takeDueDeadlines(200 + DUE_LEASE_MS, 10)));
      expect(retakers.flat()).to.deep.equal(['lease-b']);
      await store.acknowledge('deadlines', ['lease-b']);
      expect(await store.takeDueDeadlines(200 + 10 * DUE_LEASE_MS, 10)).to.deep.equal([]);
      // The same for every timed queue.
      await store.scheduleTimer('accept', 'h9|alice', 100, false);
      await store.scheduleNotice('n9', 100);
      expect(await store.takeDueTimers('accept', 200, 10)).to.deep.equal(['h9|alice']);
      expect(await store.takeDueNotices(200, 10)).to.deep.equal(['n9']);
      expect(await store.takeDueTimers('accept', 200 + DUE_LEASE_MS, 10)).to.deep.equal(['h9|alice']);
      expect(await store.takeDueNotices(200 + DUE_LEASE_MS, 10)).to.deep.equal(['n9']);
      await store.acknowledge('accept', ['h9|alice']);
      await store.acknowledge('notices', ['n9']);
      expect(await store.takeDueTimers('accept', 200 + 5 * DUE_LEASE_MS, 10)).to.deep.equal([]);
      expect(await store.takeDueNotices(200 + 5 * DUE_LEASE_MS, 10)).to.deep.equal([]);
    });

    it('no deadline is armed while a person holds the conversation', async () => {
      const r = record();
      await store.open(r);
      expect(await store.armDeadline(r.conversationId, 1)).to.equal(false);
      expect(await store.takeDueDeadlines(10, 10)).to.deep.equal([]);
    });

    it('openOrArm: with nobody holding the conversation it arms the deadline; with a person, it answers the whole handoff and arms nothing', async () => {
      const free = await store.openOrArm('c-free', 100);
      expect(free).to.deep.equal({ open: undefined, armed: true });
      expect(await store.openOrArm('c-free-unasked', undefined)).to.deep.equal({ open: undefined, armed: false });
      expect(await store.takeDueDeadlines(150, 10)).to.deep.equal(['c-free']);

      const r = record();
      await store.open(r);
      await store.claim(r.id, alice, 1);
      await store.transfer(r.id, alice, { group: 'payments' }, 'refund question', 2);
      const held = await store.openOrArm(r.conversationId, 100);
      expect(held.armed).to.equal(false);
      expect(held.open).to.deep.equal(await store.openFor(r.conversationId));
      expect(held.open).to.include({ id: r.id, status: 'queued', group: 'payments' });
      expect(held.open?.transfers.map((t) => t.note)).to.deep.equal(['refund question']);
      expect(await store.takeDueDeadlines(200, 10)).to.deep.equal([]);
    });

    it('openOrArm: a callback ticket does not hold the conversation — the deadline is armed, the ticket answered', async () => {
      const r = record();
      await store.open(r);
      await store.toCallback(r.id, 1, { dueAt: 9_000 });
      const got = await store.openOrArm(r.conversationId, 100);
      expect(got.armed).to.equal(true);
      expect(got.open).to.include({ id: r.id, status: 'callback' });
      expect(await store.takeDueDeadlines(200, 10)).to.deep.equal([r.conversationId]);
    });

    it('recordCustomer keeps the reference and appends the line; without a line, only the reference', async () => {
      await store.recordCustomer({ conversation: { id: 'c-rc' }, serviceUrl: 'http://one/' }, { at: '1', speaker: 'customer', text: 'hi' });
      await store.recordCustomer({ conversation: { id: 'c-rc' }, serviceUrl: 'http://two/' }, undefined);
      await store.recordCustomer({ conversation: { id: 'c-rc' }, serviceUrl: 'http://two/' }, { at: '2', speaker: 'customer', text: 'again' });
      expect((await store.transcript('c-rc')).map((e) => e.text)).to.deep.equal(['hi', 'again']);
      expect((await store.reference('c-rc'))?.serviceUrl).to.equal('http://two/');
    });

    it('opening a handoff cancels the pending response deadline', async () => {
      const r = record();
      await store.armDeadline(r.conversationId, 5);
      await store.open(r);
      expect(await store.takeDueDeadlines(10, 10)).to.deep.equal([]);
    });

    it('SLA breaches: a handoff not picked up by its due time is reported once; a claimed one never', async () => {
      const t = 1_000_000;
      const waiting = { ...record({ createdAt: t }), slaDueAt: t + 100 };
      const picked = { ...record({ createdAt: t }), slaDueAt: t + 100 };
      await store.open(waiting);
      await store.open(picked);
      await store.claim(picked.id, alice, t + 50);
      expect(await store.takeSlaBreaches(t + 200, 10)).to.deep.equal([waiting.id]);
      expect(await store.takeSlaBreaches(t + 300, 10)).to.deep.equal([]);
    });

    it('every transition answers with the record as it left it: what a fresh read gives', async () => {
      // The Redis store's scripts read the record back inside the transition; one read too early
      // (before the script's last write) or without the transfer history would differ here.
      const r = record();
      await store.open(r);
      const same = async (step: string, got: TransitionResult) => {
        expect(got.ok, step).to.equal(true);
        expect(got.ok && got.handoff, step).to.deep.equal(await store.get(r.id));
      };
      const next = await store.claimNext(alice, ['general'], 2);
      expect(next, 'claimNext').to.deep.equal(await store.get(r.id));
      await same('transfer to an agent', await store.transfer(r.id, alice, { agent: bob }, 'over to bob', 3));
      await same('transfer to a group', await store.transfer(r.id, bob, { group: 'orders' }, undefined, 4));
      await same('claim', await store.claim(r.id, alice, 5));
      await same('requeue', await store.requeue(r.id, 'alice', 'alice went away', 6));
      await same('toCallback', await store.toCallback(r.id, 7, { dueAt: 60_000 }));
      await same('setCallbackPhone', await store.setCallbackPhone(r.id, '13900001111'));
      await same('close', await store.close(r.id, sup, 'called back', ['callback'], 8));
      const survey = { scores: { efficiency: 5, attitude: 5, clarity: 5, solution: 5, overall: 5 }, at: new Date(9).toISOString(), flagged: false };
      await same('saveSurvey', await store.saveSurvey(r.id, survey));
      expect((await store.get(r.id))?.transfers).to.have.length(3);
    });

    it('keeps transcripts in order, references, presence and surveys', async () => {
      await store.appendTranscript('c-t', { at: '1', speaker: 'customer', text: 'hi' });
      await store.appendTranscript('c-t', { at: '2', speaker: 'bot', text: 'hello' });
      expect((await store.transcript('c-t')).map((e) => e.text)).to.deep.equal(['hi', 'hello']);
      await store.setReference({ conversation: { id: 'c-t' }, serviceUrl: 'http://x/' });
      expect((await store.reference('c-t'))?.serviceUrl).to.equal('http://x/');
      await store.setPresence('alice', 'online');
      expect(await store.presence()).to.deep.include({ alice: 'online' });
      const r = record();
      await store.open(r);
      await store.claim(r.id, alice, 1);
      await store.close(r.id, alice, 'done', [], 2);
      const survey = { scores: { efficiency: 5, attitude: 2, clarity: 5, solution: 4, overall: 4 }, at: new Date(3).toISOString(), flagged: true };
      expect((await store.saveSurvey(r.id, survey)).ok).to.equal(true);
      expect((await store.flagged(10)).map((h) => h.id)).to.include(r.id);
      expect((await store.get(r.id))?.survey).to.deep.equal(survey);
    });

    it('handoffs opened since a time, oldest first, closed ones included (the supervisor’s charts)', async () => {
      const base = Date.now() + 10 * 24 * 3600_000; // after every other test's handoffs
      const first = record({ createdAt: base + 1000 });
      const second = record({ createdAt: base + 2000 });
      await store.open(second);
      await store.open(first);
      await store.claim(first.id, alice, base + 1500);
      await store.close(first.id, alice, 'done', [], base + 1600);
      expect((await store.createdSince(base, 10)).map((h) => h.id)).to.deep.equal([first.id, second.id]);
      expect((await store.createdSince(base + 1500, 10)).map((h) => h.id)).to.deep.equal([second.id]);
      expect((await store.createdSince(base, 1)).map((h) => h.id)).to.deep.equal([first.id]);
    });

    it("a customer's history: their handoffs newest first, closed ones included, nobody else's", async () => {
      const customer = `cust-${randomUUID()}`;
      const mine = (createdAt: number) => {
        const r = record({ createdAt });
        r.packet = { ...r.packet, customer: { ...r.packet.customer, id: customer } };
        return r;
      };
      const older = mine(1000);
      const newer = mine(2000);
      await store.open(older);
      await store.claim(older.id, alice, 1500);
      await store.close(older.id, alice, 'refunded', [], 1600);
      await store.open(newer);
      await store.open(record()); // another customer's
      const history = await store.customerHistory(customer, 10);
      expect(history.map((h) => h.id)).to.deep.equal([newer.id, older.id]);
      expect(history[1]).to.include({ status: 'closed', resolution: 'refunded' });
      expect((await store.customerHistory(customer, 1)).map((h) => h.id)).to.deep.equal([newer.id]);
      expect(await store.customerHistory(`cust-${randomUUID()}`, 10)).to.deep.equal([]);
    });

    it('every skill group has its own queue: open, escalate, claimNext, transfer, callback and close in each', async () => {
      const groups = SkillGroup.options;
      const agent: AgentRef = { id: 'all-groups', capacity: 100 };
      for (const [i, group] of groups.entries()) {
        const next = groups[(i + 1) % groups.length];
        const others = groups.filter((g) => g !== group);
        const r = record({ group });
        await store.open(r);
        expect(
          (await store.queued()).map((h) => [h.id, h.group]),
          group,
        ).to.deep.equal([[r.id, group]]);
        expect(await store.claimNext(agent, others, 1), `${group}: not in another group's queue`).to.equal(undefined);
        // A more urgent trigger for another group moves it from this group's queue to that one's.
        const raised = await store.open({ ...record({ conversationId: r.conversationId, priority: 'urgent', group: next, reason: 'high_risk' }) });
        expect(raised.handoff).to.include({ id: r.id, group: next, priority: 'urgent', status: 'queued' });
        expect(await store.claimNext(agent, [group], 2), `${group}: left its old queue`).to.equal(undefined);
        expect((await store.claimNext(agent, [group, next], 2))?.id).to.equal(r.id);
        // Transferred back: queued in this group again, and only there.
        const back = await store.transfer(r.id, agent, { group }, undefined, 3);
        expect(back.ok && back.handoff).to.include({ status: 'queued', group });
        expect(await store.claimNext(agent, others, 4)).to.equal(undefined);
        expect((await store.claimNext(agent, [group], 4))?.id).to.equal(r.id);
        // A callback ticket is in no queue; claimed and closed, nothing is left anywhere.
        expect((await store.toCallback(r.id, 5, { dueAt: 50 })).ok).to.equal(true);
        expect(await store.claimNext(agent, groups, 6)).to.equal(undefined);
        expect((await store.claim(r.id, agent, 6)).ok).to.equal(true);
        const closed = await store.close(r.id, agent, 'done', [], 7);
        expect(closed.ok && closed.handoff).to.include({ status: 'closed', group });
        expect(await store.queued(), group).to.deep.equal([]);
      }
      expect((await store.loads())[agent.id]).to.equal(0);
    });

    it("closing a queued handoff takes it out of its group's queue", async () => {
      const r = record({ group: 'escalation' });
      await store.open(r);
      expect((await store.close(r.id, sup, 'duplicate', [], 1)).ok).to.equal(true);
      expect(await store.claimNext(alice, SkillGroup.options, 2)).to.equal(undefined);
      expect(await store.queued()).to.deep.equal([]);
    });

    it('requeue: an assigned handoff returns to its queue at its priority and age, only from the agent who holds it', async () => {
      const t = Date.now();
      const older = record({ priority: 'high', createdAt: t - 10_000 });
      const newer = record({ priority: 'high', createdAt: t });
      await store.open(older);
      await store.open(newer);
      expect((await store.claim(older.id, alice, t)).ok).to.equal(true);
      expect((await store.loads()).alice).to.equal(1);
      expect(await store.requeue(older.id, 'bob', 'not bob', t)).to.deep.equal({ ok: false, error: 'not_yours' });
      const back = await store.requeue(older.id, 'alice', 'alice went away', t + 1);
      expect(back.ok).to.equal(true);
      if (!back.ok) return;
      expect(back.handoff.status).to.equal('queued');
      expect(back.handoff.assignedTo).to.equal(undefined);
      expect(back.handoff.transfers.at(-1)).to.include({ by: 'system', note: 'alice went away' });
      expect((await store.loads()).alice).to.equal(0);
      expect(await store.waiting()).to.equal(2);
      // Its original age: still ahead of the newer one of the same priority.
      expect((await store.claimNext(bob, ['general'], t + 2))?.id).to.equal(older.id);
      expect(await store.requeue(older.id, 'alice', 'again', t + 3)).to.deep.equal({ ok: false, error: 'not_yours' });
    });

    it("an agent's own list (heldBy) follows claim, claimNext, transfer, requeue, callback and close", async () => {
      const ids = async (agent: AgentRef) => (await store.heldBy(agent.id)).map((h) => h.id).sort();
      const [a, b, c] = [record(), record(), record()];
      for (const r of [a, b, c]) await store.open(r);
      await store.claim(a.id, alice, 1);
      const next = await store.claimNext(alice, ['general'], 2);
      expect(await ids(alice)).to.deep.equal([a.id, next?.id].sort());
      expect(await ids(bob)).to.deep.equal([]);
      // To bob directly, then back to a queue.
      await store.transfer(a.id, alice, { agent: bob }, undefined, 3);
      expect(await ids(alice)).to.deep.equal([next?.id]);
      expect(await ids(bob)).to.deep.equal([a.id]);
      await store.transfer(a.id, bob, { group: 'orders' }, undefined, 4);
      expect(await ids(bob)).to.deep.equal([]);
      // Requeued, made a callback ticket, closed: gone from the list each time.
      const last = (await store.claimNext(bob, ['general'], 5))?.id ?? '';
      expect(await ids(bob)).to.deep.equal([last]);
      await store.requeue(last, bob.id, 'bob went away', 6);
      expect(await ids(bob)).to.deep.equal([]);
      await store.toCallback(next?.id ?? '', 7, { dueAt: 60_000 });
      expect(await ids(alice)).to.deep.equal([]);
      await store.claim(a.id, alice, 8);
      await store.close(a.id, alice, 'done', [], 9);
      expect(await ids(alice)).to.deep.equal([]);
      expect(await store.assigned()).to.deep.equal([]);
    });

    it('agent timers: only-if-absent keeps the first due time; each due member is taken once; cancelled ones never', async () => {
      const t = Date.now();
      await store.scheduleTimer('agentReply', 'h1|1', t + 100, true);
      await store.scheduleTimer('agentReply', 'h1|1', t + 50_000, true);
      await store.scheduleTimer('accept', 'h2|alice', t + 100, false);
      await store.scheduleTimer('accept', 'h3|bob', t + 100, false);
      await store.cancelTimers('accept', ['h3|bob']);
      expect(await store.takeDueTimers('agentReply', t, 10)).to.deep.equal([]);
      const [a, b] = await Promise.all([store.takeDueTimers('agentReply', t + 200, 10), store.takeDueTimers('agentReply', t + 200, 10)]);
      expect([...a, ...b]).to.deep.equal(['h1|1']);
      expect(await store.takeDueTimers('accept', t + 200, 10)).to.deep.equal(['h2|alice']);
      expect(await store.takeDueTimers('customerIdle', t + 200, 10)).to.deep.equal([]);
    });

    it('handle times: a rolling average per group, starting from the configured value; agents last seen', async () => {
      await store.recordHandleTime('orders', 600_000, 300_000);
      await store.recordHandleTime('orders', 600_000, 300_000);
      const aht = await store.handleTimes();
      // 300 000 → 360 000 → 408 000 (weight 0.2)
      expect(Math.round(aht.orders ?? 0)).to.equal(408_000);
      expect(aht.general).to.equal(undefined);
      await store.touchAgent('alice', 1234);
      expect((await store.lastSeen()).alice).to.equal(1234);
    });

    it('returns the packet as stored', async () => {
      const r = record();
      r.packet.transcript = [{ at: 'x', speaker: 'customer', text: '我的手机 138****1234' }];
      await store.open(r);
      expect((await store.get(r.id))?.packet).to.deep.equal(r.packet);
    });
  });
}

contract('in-memory', async () => new MemoryHandoffStore());
/** A Redis store on the test server, in a namespace of its own. */
async function redisStore(label: string, closedRetentionSeconds = 86400): Promise<RedisHandoffStore> {
  const redis = await testRedis();
  return new RedisHandoffStore(createRedis(redis.url), { namespace: uniqueNamespace(label), ttlSeconds: 600, transcriptEntries: 500, closedRetentionSeconds });
}

contract('Redis', () => redisStore('contract'));
// The same suite on a 3-master Redis Cluster: every multi-key script must find its keys in one slot.
contract('Redis Cluster (3 masters)', async () => {
  const cluster = await testRedisCluster();
  return new RedisHandoffStore(createRedis({ clusterNodes: cluster.nodes }), {
    namespace: uniqueNamespace('contract'),
    ttlSeconds: 600,
    transcriptEntries: 500,
    closedRetentionSeconds: 86400,
  });
});

describe('Redis store: keys are passed in KEYS', function () {
  this.timeout(20_000);
  const luaDir = fromRoot('infra/redis/lua');
  const scripts = readdirSync(luaDir)
    .filter((f) => f.endsWith('.lua'))
    .map((file) => {
      const [, name, keys] = /^([A-Za-z]+)-(\d+)\.lua$/.exec(file) ?? [];
      const source = readFileSync(join(luaDir, file), 'utf8');
      // The code without its comments (the header names the keys it describes).
      const code = source.replace(/--\[\[[\s\S]*?\]\]/g, '').replace(/--.*$/gm, '');
      return { file, name, keys: Number(keys), source, code };
    });

  it("the scripts that move handoffs between queues get every skill group's queue in KEYS", () => {
    // Keys each script takes besides the queues: see the script headers.
    const fixed: Record<string, number> = { open: 7, claim: 6, claimNext: 3, transfer: 6, close: 7, toCallback: 6, requeue: 6, waitingWith: 0, slaBreached: 0 };
    for (const [name, n] of Object.entries(fixed)) {
      const script = scripts.find((s) => s.name === name);
      expect(script?.keys, `${name}-N.lua`).to.equal(n + SkillGroup.options.length);
    }
  });

  it('no script spells a key; only a record whose id the script discovers is built, from the record-key prefix', () => {
    const discovers = new Set(['open', 'claimNext', 'openOrArm', 'waitingWith', 'slaBreached']);
    for (const { file, name, code, source } of scripts) {
      expect(code, file).not.to.match(/['"](queue|handoff|transfers|callbacks|sla|deadlines|open|load|flagged|notices|presence):?['"]/);
      const built = /ARGV\[\d+\]\s*\.\.\s*[A-Za-z]/.test(code);
      expect(built, `${file} builds a key in Lua`).to.equal(discovers.has(name));
      if (built) expect(source, `${file} says why it builds a key`).to.match(/Built here:[\s\S]*same Cluster slot/);
      expect(source, `${file} has a header`).to.match(/Input:[\s\S]*KEYS\[1\][\s\S]*Output:/);
    }
  });

  it('an unknown skill group is refused before anything is written', async () => {
    const store = await redisStore('groups');
    try {
      const bad = record({ group: 'nowhere' as SkillGroup });
      let refused = false;
      await store.open(bad).catch(() => {
        refused = true;
      });
      expect(refused).to.equal(true);
      expect(await store.openFor(bad.conversationId)).to.equal(undefined);
      expect(await store.redis.exists(store.keys.handoff(bad.id), store.keys.queue('nowhere'))).to.equal(0);

      const r = record();
      await store.open(r);
      await store.claim(r.id, alice, 1);
      refused = false;
      await store.transfer(r.id, alice, { group: 'nowhere' as SkillGroup }, undefined, 2).catch(() => {
        refused = true;
      });
      expect(refused).to.equal(true);
      expect(await store.get(r.id)).to.include({ status: 'assigned', assignedTo: 'alice', group: 'general' });
      expect((await store.get(r.id))?.transfers).to.deep.equal([]);
      expect((await store.loads()).alice).to.equal(1);
    } finally {
      await store.dispose();
    }
  });
});

describe('Redis store: closed handoffs do not stay forever', function () {
  this.timeout(20_000);

  it('a closed handoff and its transfer history expire after the retention; old review entries are trimmed', async () => {
    const store = await redisStore('retention', 2);
    try {
      const now = Date.now();
      const old = record();
      await store.open(old);
      await store.claim(old.id, alice, now);
      await store.transfer(old.id, alice, { group: 'orders' }, 'to orders', now);
      await store.claim(old.id, bob, now);
      await store.close(old.id, bob, 'done', [], now);
      expect(await store.redis.exists(store.keys.transfers(old.id)), 'transfer history kept while retained').to.equal(1);
      const oldSurvey = {
        scores: { efficiency: 1, attitude: 1, clarity: 1, solution: 1, overall: 1 },
        at: new Date(now - 10_000).toISOString(),
        flagged: true,
      };
      await store.saveSurvey(old.id, oldSurvey);

      const open = record();
      await store.open(open);
      await store.claim(open.id, alice, now);
      await store.transfer(open.id, alice, { group: 'orders' }, 'to orders', now);
      expect(await store.redis.pttl(store.keys.handoff(open.id)), 'an open handoff never expires').to.equal(-1);

      const ttl = await store.redis.pttl(store.keys.handoff(old.id));
      expect(ttl).to.be.greaterThan(0).and.at.most(2000);
      expect((await store.get(old.id))?.status).to.equal('closed');

      // A later flagged survey trims review entries older than the retention.
      const fresh = record();
      await store.open(fresh);
      await store.claim(fresh.id, alice, now);
      await store.close(fresh.id, alice, 'done', [], now);
      await store.saveSurvey(fresh.id, { ...oldSurvey, at: new Date(now).toISOString() });
      expect(await store.redis.zrange(store.keys.flagged, 0, -1)).to.deep.equal([fresh.id]);

      await new Promise((r) => setTimeout(r, 2100));
      expect(await store.get(old.id)).to.equal(undefined);
      expect(await store.redis.exists(store.keys.handoff(old.id), store.keys.transfers(old.id))).to.equal(0);
      expect((await store.get(open.id))?.status).to.equal('queued');
    } finally {
      await store.dispose();
    }
  });
});

describe('Redis store: the holders index', function () {
  this.timeout(20_000);

  it('handoffs assigned before the index existed are still in their agent’s list, and indexed on that read', async () => {
    const store = await redisStore('holders');
    try {
      const [a, b] = [record(), record()];
      await store.open(a);
      await store.open(b);
      await store.claim(a.id, alice, 1);
      await store.claim(b.id, alice, 2);
      await store.redis.del(store.keys.holders); // as an earlier version left them
      expect((await store.heldBy(alice.id)).map((h) => h.id).sort()).to.deep.equal([a.id, b.id].sort());
      expect(await store.redis.hgetall(store.keys.holders)).to.deep.equal({ [a.id]: 'alice', [b.id]: 'alice' });
    } finally {
      await store.dispose();
    }
  });

  it('every assigned handoff is listed from the index, and those assigned before it existed are indexed on that read', async () => {
    const store = await redisStore('holders-all');
    try {
      const [a, b, waiting] = [record(), record(), record()];
      for (const r of [a, b, waiting]) await store.open(r);
      await store.claim(a.id, alice, 1);
      await store.claim(b.id, bob, 2);
      expect((await store.assigned()).map((h) => h.id).sort()).to.deep.equal([a.id, b.id].sort());
      await store.redis.del(store.keys.holders); // as an earlier version left them
      expect((await store.assigned()).map((h) => h.id).sort()).to.deep.equal([a.id, b.id].sort());
      expect(await store.redis.hgetall(store.keys.holders)).to.deep.equal({ [a.id]: 'alice', [b.id]: 'bob' });
    } finally {
      await store.dispose();
    }
  });
});
