import pino from 'pino';
import { bucketIndex, bucketRange } from '../../src/domain/reports/histogram';
import { ProjectionRunner } from '../../src/services/projections/projection-runner';
import { rebuildReports } from '../../src/services/reports/report-rebuild';
import { ReportProjection } from '../../src/services/reports/report-projection';
import { parseCsv } from '../support/csv-parse';
import { AGENTS, EXPERTS, type GeneratedCall, generateTraffic, REASONS } from '../support/generated-calls';
import { auth, startTestApp, TOKENS } from '../support/test-app';

// Reports over a generated stream, against figures computed here straight
// from the generated calls, without the tally's code.

const FROM = '2024-02-26';
const DAYS = 12;
const TO = '2024-03-08';
const { calls, events } = generateTraffic(7, FROM, DAYS, 40);

type Row = Record<string, string | number | null>;

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Nearest-rank percentile of the raw values, and the bucket a histogram estimate must fall in. */
function percentileBucket(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const exact = sorted[Math.ceil(p * sorted.length) - 1] as number;
  return bucketRange(bucketIndex(exact));
}

/** Each percentile column of the row lies in the histogram bucket of the raw values' percentile. */
function expectPercentiles(row: Row, values: number[], columns: readonly (readonly [string, number])[]) {
  for (const [col, p] of columns) {
    const { lower, upper } = percentileBucket(values, p);
    expect(row[col]).toBeGreaterThanOrEqual(lower);
    expect(row[col]).toBeLessThanOrEqual(upper);
  }
}

const weekOf = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
};

const answered = calls.filter((c) => c.agent);
const abandoned = calls.filter((c) => !c.agent && c.endReason === 'customer_hangup');
const wrapped = calls.filter((c) => c.wrapUp);
const fcr = (c: GeneratedCall) => c.wrapUp?.resolved === true && !c.wrapUp.repeatOf && !c.revoked;
const escalations = calls.flatMap((c) => c.escalations.map((e) => ({ call: c, e })));
const expertOf = (e: GeneratedCall['escalations'][number]) => e.offers.find((o) => o.outcome === 'answered')?.expertId;

describe('reports (a generated stream, real Redis)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    t = await startTestApp();
    const writer = t.redis.connect();
    const pipeline = writer.pipeline();
    events.forEach((e, i) => {
      const at = new Date(e.atMs).toISOString();
      pipeline.xadd(`${t.redis.prefix}events`, `${e.atMs}-${2 * i}`, 'type', e.type, 'at', at, 'data', JSON.stringify(e.data));
      // Now and then an entry that cannot be read: the figures must not depend on it.
      if (i % 97 === 0) pipeline.xadd(`${t.redis.prefix}events`, `${e.atMs}-${2 * i + 1}`, 'type', e.type, 'at', at, 'data', '{"callId":');
    });
    await pipeline.exec();
    // Two instances' projections racing over the same log must still count each event once.
    const second = new ProjectionRunner(new ReportProjection(t.services.stores.reportStore), t.services.events, pino({ level: 'silent' }));
    await Promise.all([second.catchUp(), ...t.services.projections.map((p) => p.catchUp())]);
  }, 60_000);
  afterAll(() => t.close());

  async function report(name: string, groupBy: string, extra = ''): Promise<Row[]> {
    const res = await t.app.inject({
      url: `/v1/reports/${name}?from=${FROM}&to=${TO}&groupBy=${groupBy}${extra}`,
      headers: auth(TOKENS.supervisor),
    });
    expect(res.statusCode).toBe(200);
    return res.json().rows;
  }
  const byKey = (rows: Row[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));

  it('volume by day and week: contacts, answered, abandoned', async () => {
    const rows = byKey(await report('volume', 'day'), 'day');
    expect(rows.size).toBe(DAYS);
    const contacts = countBy(calls, (c) => c.day);
    const ans = countBy(answered, (c) => c.day);
    const ab = countBy(abandoned, (c) => c.day);
    for (const [day, row] of rows) {
      expect(row).toEqual({ day, contacts: contacts.get(day) ?? 0, answered: ans.get(day) ?? 0, abandoned: ab.get(day) ?? 0 });
    }
    const weeks = byKey(await report('volume', 'week'), 'week');
    const perWeek = countBy(calls, (c) => weekOf(c.day));
    expect([...weeks.keys()].sort()).toEqual([...perWeek.keys()].sort());
    for (const [week, n] of perWeek) expect(weeks.get(week)?.contacts).toBe(n);
  });

  it('volume by reason, skill, agent and expert', async () => {
    const reason = byKey(await report('volume', 'reason'), 'reason');
    for (const [r, n] of countBy(wrapped, (c) => c.wrapUp?.reason)) expect(reason.get(r)).toEqual({ reason: r, contacts: n });
    const skill = byKey(await report('volume', 'skill'), 'skill');
    for (const [s, n] of countBy(calls, (c) => c.skill)) expect(skill.get(s)?.contacts).toBe(n);
    for (const [s, n] of countBy(abandoned, (c) => c.skill)) expect(skill.get(s)?.abandoned).toBe(n);
    const agent = byKey(await report('volume', 'agent'), 'agent');
    for (const a of AGENTS) expect(agent.get(a)?.contacts).toBe(answered.filter((c) => c.agent === a).length);
    const expert = byKey(await report('volume', 'expert'), 'expert');
    for (const x of EXPERTS) {
      const n = calls.filter((c) => c.escalations.some((e) => expertOf(e) === x)).length;
      expect(expert.get(x)?.contacts ?? 0).toBe(n);
    }
  });

  it('first-contact resolution, with repeats within the window revoking the earlier contact', async () => {
    expect(calls.some((c) => c.revoked)).toBe(true);
    for (const groupBy of ['day', 'reason', 'agent'] as const) {
      const key = (c: GeneratedCall) => (groupBy === 'day' ? c.day : groupBy === 'reason' ? c.wrapUp?.reason : c.agent);
      const rows = byKey(await report('first-contact-resolution', groupBy), groupBy);
      const w = countBy(wrapped, key);
      const f = countBy(wrapped.filter(fcr), key);
      const r = countBy(calls.filter((c) => c.revoked), key);
      for (const [k, n] of w) {
        const resolved = f.get(k) ?? 0;
        expect(rows.get(k)).toEqual({
          [groupBy]: k,
          wrappedUp: n,
          resolvedFirstContact: resolved,
          repeatContacts: r.get(k) ?? 0,
          rate: Math.round((resolved / n) * 10_000) / 10_000,
        });
      }
    }
  });

  it('escalation funnel and outcomes by mode', async () => {
    const rows = byKey(await report('escalations', 'mode'), 'mode');
    for (const [mode, n] of countBy(escalations, ({ e }) => e.mode)) {
      const of = escalations.filter(({ e }) => e.mode === mode);
      const answeredN = of.filter(({ e }) => e.outcome === 'answered').length;
      expect(rows.get(mode)).toEqual({
        mode,
        requested: n,
        offered: n,
        answered: answeredN,
        resolved: of.filter(({ e, call }) => e.outcome === 'answered' && call.wrapUp?.resolved).length,
        failed: of.filter(({ e }) => e.outcome === 'failed').length,
        cancelled: of.filter(({ e }) => e.outcome === 'cancelled').length,
        answerRate: Math.round((answeredN / n) * 10_000) / 10_000,
      });
    }
  });

  it('time to expert answer p50/p90, within the histogram bucket of the exact value', async () => {
    const all = (await report('expert-answer-time', 'week')).reduce((a, r) => a + Number(r.answered), 0);
    const waits = escalations.flatMap(({ e }) => (e.answerWaitMs === undefined ? [] : [e.answerWaitMs]));
    expect(all).toBe(waits.length);
    const rows = byKey(await report('expert-answer-time', 'mode'), 'mode');
    for (const mode of new Set(escalations.map(({ e }) => e.mode))) {
      const values = escalations.filter(({ e }) => e.mode === mode && e.answerWaitMs !== undefined).map(({ e }) => e.answerWaitMs as number);
      const row = rows.get(mode) as Row;
      expect(row.answered).toBe(values.length);
      expectPercentiles(row, values, [['p50Ms', 0.5], ['p90Ms', 0.9]]);
    }
  });

  it('queue: abandonment and wait percentiles by day', async () => {
    const rows = byKey(await report('queue', 'day'), 'day');
    for (const [day, row] of rows) {
      const ofDay = calls.filter((c) => c.day === day);
      const ab = abandoned.filter((c) => c.day === day);
      expect(row.abandoned).toBe(ab.length);
      expect(row.abandonRate).toBe(Math.round((ab.length / ofDay.length) * 10_000) / 10_000);
      const waits = answered.filter((c) => c.day === day).map((c) => c.waitMs);
      expectPercentiles(row, waits, [['waitP50Ms', 0.5], ['waitP90Ms', 0.9]]);
    }
  });

  it('expert utilisation: offers, answers, declines, misses, talk time', async () => {
    const rows = byKey(await report('expert-utilisation', 'expert'), 'expert');
    for (const x of EXPERTS) {
      const offers = escalations.flatMap(({ e }) => e.offers.filter((o) => o.expertId === x));
      const talkMs = escalations.filter(({ e }) => expertOf(e) === x).reduce((a, { e }) => a + (e.talkMs ?? 0), 0);
      const answeredN = offers.filter((o) => o.outcome === 'answered').length;
      expect(rows.get(x)).toEqual({
        expert: x,
        offers: offers.length,
        answered: answeredN,
        declined: offers.filter((o) => o.outcome === 'declined').length,
        missed: offers.filter((o) => o.outcome === 'no_answer').length,
        answerRate: offers.length ? Math.round((answeredN / offers.length) * 10_000) / 10_000 : null,
        talkSec: Math.round((talkMs / 1000) * 10) / 10,
      });
    }
  });

  it('top reasons with their share and the previous period, and their weekly series', async () => {
    const rows = await report('reasons', 'reason', '&top=3');
    const counts = [...countBy(wrapped, (c) => c.wrapUp?.reason)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(rows.map((r) => [r.reason, r.contacts])).toEqual(counts.slice(0, 3));
    expect(rows[0]).toMatchObject({ share: Math.round(((counts[0]?.[1] ?? 0) / wrapped.length) * 10_000) / 10_000, previousContacts: 0, change: null });
    const series = await report('reasons', 'week', '&top=3');
    const top = rows[0]?.reason as string;
    const total = series.filter((r) => r.reason === top).reduce((a, r) => a + Number(r.contacts), 0);
    expect(total).toBe(counts[0]?.[1]);
    expect(REASONS).toContain(top);
  });

  it('CSV of every report round-trips to the JSON figures', async () => {
    for (const [name, groupBy] of [
      ['volume', 'day'], ['first-contact-resolution', 'reason'], ['escalations', 'mode'], ['expert-answer-time', 'expert'],
      ['queue', 'week'], ['expert-utilisation', 'expert'], ['reasons', 'reason'],
    ] as const) {
      const url = `/v1/reports/${name}?from=${FROM}&to=${TO}&groupBy=${groupBy}`;
      const json = (await t.app.inject({ url, headers: auth(TOKENS.supervisor) })).json();
      const csv = await t.app.inject({ url: `${url}&format=csv`, headers: auth(TOKENS.supervisor) });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const [header, ...lines] = parseCsv(csv.body);
      expect(header).toEqual(json.columns);
      const back = lines.map((cells) =>
        Object.fromEntries(cells.map((cell, i) => {
          const col = header?.[i] as string;
          const original = json.rows[0]?.[col];
          return [col, cell === '' ? null : typeof original === 'number' || col !== groupBy && col !== 'reason' && col !== 'label' ? Number(cell) : cell];
        })),
      );
      expect(back).toEqual(json.rows);
    }
    const viaAccept = await t.app.inject({ url: `/v1/reports/volume?from=${FROM}&to=${TO}`, headers: { ...auth(TOKENS.supervisor), accept: 'text/csv' } });
    expect(viaAccept.body.split('\r\n')[0]).toBe('day,contacts,answered,abandoned');
  });

  it('a rebuild from the stream gives the same figures, in a new generation', async () => {
    const before = await Promise.all(['volume', 'escalations', 'first-contact-resolution'].map((r) => report(r, 'day')));
    const gen = await t.services.stores.reportStore.currentGeneration();
    const { generation } = await rebuildReports(t.services.stores.reportStore, t.services.events, pino({ level: 'silent' }));
    expect(generation).not.toBe(gen);
    expect(await t.services.stores.reportStore.currentGeneration()).toBe(generation);
    const after = await Promise.all(['volume', 'escalations', 'first-contact-resolution'].map((r) => report(r, 'day')));
    expect(after).toEqual(before);
    expect((await t.redis.keys()).filter((k) => k.includes(`report:${gen}:`))).toEqual([]);
  });

  it('rejects bad ranges and groupings with the field named', async () => {
    const res = await t.app.inject({ url: `/v1/reports/queue?from=${TO}&to=${FROM}`, headers: auth(TOKENS.supervisor) });
    expect(res.statusCode).toBe(400);
    const bad = await t.app.inject({ url: `/v1/reports/queue?from=${FROM}&to=${TO}&groupBy=expert`, headers: auth(TOKENS.supervisor) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_input', details: [{ field: 'querystring.groupBy' }] });
    const agent = await t.app.inject({ url: `/v1/reports/queue?from=${FROM}&to=${TO}`, headers: auth(TOKENS.agentAna) });
    expect(agent.statusCode).toBe(403);
  });
});
