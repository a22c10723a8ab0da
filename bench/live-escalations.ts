// bench:live — customer calls on the live stack, each answered by an agent and
// then escalated to an expert in conference mode. Prints p50/p95 of
//   (a) customer INVITE sent → agent phone's INVITE received
//   (b) escalation request sent → expert phone's INVITE received
//   (c) expert's 200 OK sent → expert added to the room (FreeSWITCH's add-member)
// with failed calls, the service's peak RSS and CPU time per call, next to a
// baseline measured in the same run: FreeSWITCH `api status` over the event
// socket. It also prints how long the service's event loop waited for a core,
// how busy the whole host was during the calls and for whom (FreeSWITCH, the
// phones, drachtio and Redis when they run here), and the CPU time the
// hypervisor stole meanwhile: the stack shares the host's cores, and on a
// shared virtual machine the latencies swing with these (cpu-time.ts).
// Message times are when each crossed the wire, from a tcpdump capture
// (wire-capture.ts; it needs tcpdump and the right to capture, else the
// phones' and this process's own stamps are used, and the output says so);
// the room's, FreeSWITCH's add-member event time stamp, whose lag behind our
// clock is measured first and printed (freeswitch-clock.ts). (c') takes the
// time this process receives the add-member event instead, which adds the
// event's delivery.
//
// Environment: the e2e suite's (REDIS_URL, DRACHTIO_*, FREESWITCH_*,
// E2E_SIP_TARGET, E2E_PHONE_IP), BENCH_CALLS (default 50), BENCH_RATE (calls/s,
// default 10), BENCH_WARMUP (calls made first and not counted, default 5),
// BENCH_NODE_ARGS (node flags for the service, e.g. "--cpu-prof"),
// BENCH_PHONE_AUDIO (what the agents' and experts' phones answer with:
// PCMU/20, the default, as desk phones do, or PCMA/30).
// The service runs as a child process from dist/ (`npm run build` first;
// bench:live does). Files go to test-output/bench/.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { openSse } from '../test/support/sse-client';
import { EslClient } from '../test/e2e/support/esl';
import { liveStackFromEnv, unreachableParts } from '../test/e2e/support/live-stack';
import { startServiceProcess } from '../test/e2e/support/service-process';
import { SippPhone, stopAllPhones } from '../test/e2e/support/sipp-phone';
import { PHONE_AUDIOS, type PhoneAudio } from '../test/e2e/support/tone-pcap';
import { cpuSinceMs, endedChildrenCpuMs, hostCpuMs, mainThreadWaitMs, processCpuMs, processesNamedCpuMs } from './cpu-time';
import { measureClockLag } from './freeswitch-clock';
import { describeStalls, phoneStalls } from './phone-stalls';
import { screensAtRealTimePriority } from './screen-priority';
import { percentile } from './stats';
import { WireCapture } from './wire-capture';
import { answerTimeline, type CallStamps, WireStamps } from './wire-stamps';

const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const PHONE_AUDIO = (process.env.BENCH_PHONE_AUDIO ?? 'PCMU/20') as PhoneAudio;
if (!PHONE_AUDIOS.includes(PHONE_AUDIO)) throw new Error(`BENCH_PHONE_AUDIO must be one of ${PHONE_AUDIOS.join(', ')}`);
const OUT = path.resolve(__dirname, '../test-output/bench');
// The phones, sharing the host, stalled for up to 3 s in runs here.
const MIN_MEDIA_TIMEOUT_MS = 30_000;
const TOKEN = 'bench-admin-token-000000000';
const now = () => performance.timeOrigin + performance.now();
// The host's other busy processes during the calls, when they run here: the stack's parts and the phones.
const OTHERS = [
  ['freeswitch', 'FreeSWITCH'],
  ['sipp', 'the sipp phones'],
  ['drachtio', 'drachtio'],
  ['redis-server', 'redis-server'],
  ['tcpdump', 'tcpdump (the capture)'],
] as const;
const othersCpuMs = () => new Map(OTHERS.map(([name]) => [name, processesNamedCpuMs(name)]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The service as its own process, so its RSS is its own. */
function startService(stack: ReturnType<typeof liveStackFromEnv>, prefix: string) {
  return startServiceProcess(stack, {
    prefix,
    instanceId: 'bench',
    adminToken: TOKEN,
    logFile: path.join(OUT, 'service.log'),
    entry: 'dist',
    nodeArgs: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean),
    // Calls of this run last a few seconds; nobody should be left ringing.
    settings: { RING_TIMEOUT_SEC: '10', LOG_LEVEL: 'warn' },
  });
}

const peakRssMb = (pid: number) => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : NaN;
};

/** Where (c)'s time went: our part (two hops through drachtio-server), and FreeSWITCH's. */
function cStepsLine(steps: readonly [number, number, number][]): string {
  const step = (i: number) => {
    const sorted = steps.map((s) => s[i] as number).sort((x, y) => x - y);
    return `p50 ${percentile(sorted, 50).toFixed(1)} p95 ${percentile(sorted, 95).toFixed(1)} ms`;
  };
  return `200 OK → our re-INVITE to FreeSWITCH ${step(0)}; its 200 to it ${step(1)}; that 200 → in the room (our join command, then the expert's FreeSWITCH channel taking it at its next packet tick) ${step(2)}`;
}

function summary(name: string, values: number[], target: number, baseline: { p50: number; p95: number }) {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const ratio = `${(p50 / baseline.p50).toFixed(1)}× / ${(p95 / baseline.p95).toFixed(1)}×`;
  return `${name.padEnd(44)} n=${String(sorted.length).padStart(3)}  p50 ${p50.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  (target p95 ≤ ${target} ms; vs baseline p50/p95 ${ratio})`;
}

async function main() {
  const stack = liveStackFromEnv();
  const problem = await unreachableParts({ ...stack, baseUrl: undefined });
  if (problem) {
    console.log(`bench:live: not run — no live stack: ${problem}`);
    process.exitCode = 2;
    return;
  }
  const screens = screensAtRealTimePriority();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const tag = randomBytes(3).toString('hex');
  const prefix = `bench-${tag}:`;
  const sipTarget = `${stack.sipTarget.host}:${stack.sipTarget.port}`;
  const { child, baseUrl } = await startService(stack, prefix);
  const esl = await EslClient.connect(stack.freeswitch);
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };

  let capture: WireCapture | { unavailable: string } | undefined;
  try {
    // Baseline: one event-socket API round trip.
    const status: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const start = now();
      await esl.api('status');
      status.push(now() - start);
    }
    status.sort((a, b) => a - b);
    const baseline = { p50: percentile(status, 50), p95: percentile(status, 95) };
    // The e2e suite's short media timeout hangs up a customer whose phone stalled on this host: a call the stack served.
    const mediaTimeoutMs = Number((await esl.api('global_getvar media_timeout')).trim());
    const clockEsl = await EslClient.connect(stack.freeswitch);
    const clockLag = await measureClockLag(clockEsl, now).finally(() => clockEsl.close());

    // One answering sipp for all agents, one for all experts; each person registers its port.
    const answering = { scenario: 'phone-answer', outDir: OUT, pauseMs: 100, audio: PHONE_AUDIO };
    const agents = await SippPhone.start({ ...answering, name: 'agents', keys: { user: 'agent' } });
    const experts = await SippPhone.start({ ...answering, name: 'experts', keys: { user: 'expert' } });
    const skill = `bench-${tag}`;
    const register = async (id: string, password: string, port: number) => {
      const run = await SippPhone.start({
        scenario: 'phone-register',
        outDir: path.join(OUT, 'register'),
        name: id,
        remote: sipTarget,
        keys: { user: id, expires: 600, contact_port: port },
        auth: { user: id, password },
        calls: 1,
        maxRunSec: 10,
      });
      await run.waitForExit(15_000);
      if (!run.outcomes()[0]?.startsWith('registered')) throw new Error(`REGISTER of ${id} failed: ${run.outcomes().join('; ')}`);
    };
    for (let i = 0; i < CALLS; i += 1) {
      for (const [role, phone] of [['agent', agents], ['expert', experts]] as const) {
        const id = `${role}${i}-${tag}`;
        const password = `pw-${id}-secret`;
        const created = await call('POST', '/v1/experts', {
          id,
          displayName: id,
          roles: [role],
          skills: role === 'expert' ? [{ name: skill, level: 3 }] : [],
          contacts: { desk: { user: id } },
          sipPassword: password,
        });
        if (created.status !== 201) throw new Error(`creating ${id}: ${JSON.stringify(created.body)}`);
        await register(id, password, phone.sipPort);
      }
    }

    // Who joined which room, and when (FreeSWITCH's clock, ms).
    const addMember = new Map<string, number>();
    // The same, when this process heard of it: later by the event socket's delivery.
    const heardAt = new Map<string, number>();
    // Filtered in FreeSWITCH: the other room events would cost it and this process work during the calls.
    await esl.onEvents(
      'CUSTOM conference::maintenance',
      (e) => {
        const key = `${e['Conference-Name']}/${e['Caller-Caller-ID-Number']}`;
        addMember.set(key, Number(e['Event-Date-Timestamp']) / 1000);
        heardAt.set(key, now());
      },
      { header: 'Action', value: 'add-member' },
    );
    // Only the two types read here: the rest would cost the service and this process work during the calls.
    const events = await openSse(`${baseUrl}/v1/events/stream?types=call.offered,call.answered`, TOKEN);

    // The calls, at the given rate; each is escalated as soon as its agent is in the room.
    const requestedAt = new Map<string, number>();
    const escalationFailures: string[] = [];
    // Escalated the moment the stream says the agent answered.
    events.onEvent((e) => {
      const event = e.data as { type: string; data: { callId: string } };
      if (event.type !== 'call.answered') return;
      const callId = event.data.callId;
      requestedAt.set(callId, now());
      void call('POST', `/v1/calls/${callId}/escalations`, {
        target: { skills: [{ name: skill, minLevel: 1 }] },
        mode: 'conference',
        case: { reason: 'bench' },
      }).then((r) => {
        if (r.status !== 202) escalationFailures.push(`${callId}: ${r.status} ${JSON.stringify(r.body)}`);
      });
    });
    // One sipp plays every customer at the rate: a process per call would take
    // the stack's CPU on this host (an idle sipp polls at ~1% of a core).
    const customerCalls = (name: string, callers: string[]) =>
      SippPhone.start({
        scenario: 'customer-call',
        outDir: OUT,
        name,
        remote: sipTarget,
        service: '1000',
        callers,
        rate: RATE,
        hangUpAfterMs: 5000,
        calls: callers.length,
        maxRunSec: 30 + callers.length / RATE,
      });
    const byTag = (first: string, count: number) =>
      Array.from({ length: count }, (_, i) => `+43${first}${parseInt(tag, 16) % 1000}${String(i).padStart(3, '0')}`);
    // Warm-up calls, escalated like the others but not counted: the first calls
    // after a restart take cold paths (once, right after FreeSWITCH started, the
    // first five calls' answers all came ~0.45 s late). Their people are free
    // again after the calls' wrap-up (1 s).
    if (WARMUP > 0) {
      const warmup = await customerCalls('warmup', byTag('97', WARMUP));
      await warmup.waitForExit((40 + WARMUP / RATE) * 1000).catch(() => undefined);
      await sleep(2000);
    }
    const numbers = byTag('98', CALLS);
    const servicePort = Number(new URL(baseUrl).port);
    capture = await WireCapture.start(path.join(OUT, 'calls.pcap'), `udp port ${stack.sipTarget.port} or tcp port ${servicePort}`);
    const cpuBefore = {
      service: processCpuMs(child.pid as number),
      serviceWait: mainThreadWaitMs(child.pid as number),
      others: othersCpuMs(),
      // The customers' sipp is this process's child and ends before the calls are measured.
      endedChildren: endedChildrenCpuMs(),
      bench: process.cpuUsage(),
      host: hostCpuMs(),
      at: now(),
    };
    const customers = await customerCalls('customers', numbers);
    await customers.waitForExit((40 + CALLS / RATE) * 1000).catch(() => undefined);
    await sleep(500);
    const wire = capture instanceof WireCapture ? await capture.stop() : undefined;
    const wireStamps = wire && new WireStamps(wire.packets, { sip: stack.sipTarget.port, service: servicePort, agents: agents.sipPort, experts: experts.sipPort });
    const rssMb = peakRssMb(child.pid as number);
    const serviceCpuMs = processCpuMs(child.pid as number) - cpuBefore.service;
    const othersAfter = othersCpuMs();
    const shares = OTHERS.filter(([name]) => (othersAfter.get(name)?.size ?? 0) > 0).map(([name, label]): { label: string; ms: number } => {
      let ms = cpuSinceMs(cpuBefore.others.get(name) ?? new Map(), othersAfter.get(name) ?? new Map());
      if (name === 'sipp') ms += endedChildrenCpuMs() - cpuBefore.endedChildren;
      return { label, ms };
    });
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    shares.push({ label: 'the service', ms: serviceCpuMs }, { label: 'this bench', ms: (benchCpu.user + benchCpu.system) / 1000 });
    const serviceWaitAfter = mainThreadWaitMs(child.pid as number);
    const serviceWaitMs = serviceWaitAfter === undefined || cpuBefore.serviceWait === undefined ? undefined : serviceWaitAfter - cpuBefore.serviceWait;
    const hostCpu = hostCpuMs();
    const cores = os.availableParallelism();
    const callsMs = now() - cpuBefore.at;
    const stalls = Object.entries({ customers, agents, experts }).map(
      ([label, phone]) => `${label} ${describeStalls(phoneStalls(fs.readFileSync(phone.files.errors, 'utf8'), cpuBefore.at, cpuBefore.at + callsMs))}`,
    );
    const hostBusyMs = hostCpu.busy - cpuBefore.host.busy;
    const stolenMs = hostCpu.stolen - cpuBefore.host.stolen;
    events.close();

    // Measure from the phones' traces.
    const offered = new Map<string, string>(); // customer number → call id
    for (const e of events.events) {
      const event = e.data as { type: string; data: { callId: string; customer?: string } };
      if (event.type === 'call.offered' && event.data.customer) offered.set(event.data.customer, event.data.callId);
    }
    const customerMessages = customers.messages();
    const agentInvites = agents.received('INVITE');
    const expertMessages = experts.messages();
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const cHeard: number[] = [];
    /** (c) by step, on the wire: to our re-INVITE to FreeSWITCH, its 200, then to the room. */
    const cSteps: [number, number, number][] = [];
    const failed: string[] = [];
    // This process plays the agents' screens: from the answer event it was sent to its escalation request, on the wire.
    const benchLag: number[] = [];
    const notOnTheWire: string[] = [];
    const perCall: Record<string, unknown>[] = [];
    for (const number of numbers) {
      const sent = customerMessages.find((m) => m.direction === 'sent' && m.firstLine.startsWith('INVITE ') && m.header('From')?.includes(`<sip:${number}@`));
      const customerCall = customerMessages.filter((m) => m.header('Call-ID') === sent?.header('Call-ID'));
      const callId = offered.get(number);
      const agentInvite = agentInvites.find((m) => m.header('X-Customer') === number);
      const expertInvite = expertMessages.find((m) => m.direction === 'received' && m.firstLine.startsWith('INVITE ') && m.header('X-Call-Id') === callId);
      const sipCallId = expertInvite?.header('Call-ID');
      const ok = expertMessages.find(
        (m) => m.direction === 'sent' && m.firstLine.startsWith('SIP/2.0 200') && m.header('Call-ID') === sipCallId && /INVITE/.test(m.header('CSeq') ?? ''),
      );
      const expertUser = /^INVITE sip:([^@]+)@/.exec(expertInvite?.firstLine ?? '')?.[1];
      const joined = addMember.get(`call-${callId}/${expertUser}`);
      const requested = callId ? requestedAt.get(callId) : undefined;
      const answer = wireStamps && callId ? wireStamps.answerOf(number, callId) : undefined;
      const onWire = wireStamps && callId ? wireStamps.of(number, callId) : undefined;
      const requestOnWire = onWire?.requested;
      if (answer?.answerEvent !== undefined && requestOnWire !== undefined) benchLag.push(requestOnWire - answer.answerEvent);
      const ended = customerCall.some((m) => m.firstLine.startsWith('SIP/2.0 200') && /BYE/.test(m.header('CSeq') ?? ''));
      if (!sent || !callId || !agentInvite || !expertInvite || !ok || joined === undefined || requested === undefined || !ended) {
        const timeline = answer && answerTimeline(answer, requestOnWire);
        // Every missing piece named: a failed call that names none would hide why it counted.
        const missing = [
          !callId && 'no call.offered event',
          !agentInvite && 'no agent INVITE',
          requested === undefined && 'no escalation asked',
          !expertInvite && 'no expert INVITE',
          expertInvite && !ok && "no expert 200 OK in its phone's log",
          joined === undefined && 'expert never in the room',
          !ended && "no 200 to a BYE in the customer's log",
        ].filter(Boolean);
        failed.push(
          `${number}: ${customerCall.map((m) => m.firstLine.split(' ').slice(0, 2).join(' ')).join(', ') || 'no INVITE sent'}; ${missing.join(', ')}${timeline ? `; ${timeline}` : ''}`,
        );
        continue;
      }
      const stamps: CallStamps = onWire ?? {
        customerInvite: sent.at,
        agentInvite: agentInvite.at,
        requested,
        expertInvite: expertInvite.at,
        expertOk: ok.at,
      };
      const { customerInvite: t0, agentInvite: t1, requested: t2, expertInvite: t3, expertOk: t4 } = stamps;
      if (t0 === undefined || t1 === undefined || t2 === undefined || t3 === undefined || t4 === undefined) {
        notOnTheWire.push(`${number}: ${Object.keys(stamps).filter((k) => stamps[k as keyof CallStamps] === undefined).join(', ')}`);
        continue;
      }
      const heard = heardAt.get(`call-${callId}/${expertUser}`);
      perCall.push({ number, callId, ...stamps, expertJoined: joined, expertJoinHeard: heard });
      a.push(t1 - t0);
      b.push(t3 - t2);
      c.push(joined - t4);
      cHeard.push((heard ?? NaN) - t4);
      const { mediaReinvite, mediaOk } = stamps;
      if (mediaReinvite !== undefined && mediaOk !== undefined) cSteps.push([mediaReinvite - t4, mediaOk - mediaReinvite, joined - mediaOk]);
    }

    fs.writeFileSync(path.join(OUT, 'calls.json'), JSON.stringify(perCall, null, 1));
    console.log(
      `bench:live — ${CALLS} calls at ${RATE}/s, each answered by an agent and escalated in conference mode (after ${WARMUP} warm-up calls, not counted; their phones answer ${PHONE_AUDIO}; ${screens})`,
    );
    console.log(`baseline: FreeSWITCH api status over ESL  p50 ${baseline.p50.toFixed(2)} ms  p95 ${baseline.p95.toFixed(2)} ms`);
    console.log(
      `FreeSWITCH's media timeout: ${mediaTimeoutMs} ms${mediaTimeoutMs < MIN_MEDIA_TIMEOUT_MS ? ` — short: a customer whose phone stalls this long on a loaded host is hung up; run with FS_MEDIA_TIMEOUT_MS at its default (60000)` : ''}`,
    );
    console.log(summary('(a) customer INVITE → agent phone INVITE', a, 25, baseline));
    console.log(summary('(b) escalation request → expert phone INVITE', b, 25, baseline));
    console.log(summary('(c) expert 200 OK → expert in the room', c, 50, baseline));
    console.log(summary("(c') the same, as an ESL listener heard of it", cHeard, 50, baseline));
    if (cSteps.length) console.log(`    by step (${cSteps.length} calls): ${cStepsLine(cSteps)}`);
    console.log(`failed calls: ${failed.length} of ${CALLS}${escalationFailures.length ? `; refused escalations: ${escalationFailures.length}` : ''}`);
    for (const line of [...failed, ...escalationFailures].slice(0, 10)) console.log(`  ${line}`);
    // A phone that answered late fails a call the stack served in time.
    console.log(`the phones' sipp stalled (a pass of its main loop over 500 ms) during the calls: ${stalls.join('; ')}`);
    console.log(
      wire
        ? `times: on the wire (tcpdump's kernel stamps; ${wire.dropped} packets dropped)${notOnTheWire.length ? `; ${notOnTheWire.length} calls not measured, a message not captured:` : ''}`
        : `times: the phones' and this process's own stamps, late by however long each waited for a core (no capture: ${(capture as { unavailable: string }).unavailable})`,
    );
    for (const line of notOnTheWire.slice(0, 5)) console.log(`  ${line}`);
    if (benchLag.length) {
      // Late requests leave experts less time in their rooms, and so the stack less to do: a run with them measured a lighter load.
      const lag = [...benchLag].sort((x, y) => x - y);
      console.log(
        `this bench's own lag, the answer event it was sent → its escalation request (on the wire): p50 ${percentile(lag, 50).toFixed(1)} ms  p95 ${percentile(lag, 95).toFixed(1)} ms  max ${(lag.at(-1) as number).toFixed(0)} ms; an expert asked for late spends less of the call in the room`,
      );
    }
    const waited = serviceWaitMs === undefined ? '' : `; its event loop waited ${(serviceWaitMs / CALLS).toFixed(1)} ms per call for a core`;
    console.log(`service peak RSS: ${rssMb.toFixed(1)} MB; service CPU ${(serviceCpuMs / CALLS).toFixed(1)} ms per call${waited}`);
    // Not summed up against the host's figure: Linux samples that one per clock
    // tick and the processes' more exactly; the two differed by up to 6% here.
    const byProcess = shares
      .sort((x, y) => y.ms - x.ms)
      .map((share) => `${share.label} ${(share.ms / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(
      `this host's CPU during the calls: busy ${((100 * hostBusyMs) / (callsMs * cores)).toFixed(0)}% of ${cores} cores (${(hostBusyMs / 1000).toFixed(1)} s in ${(callsMs / 1000).toFixed(1)} s, every process; by process: ${byProcess}); stolen by its hypervisor ${stolenMs} ms`,
    );
    console.log(
      `FreeSWITCH's event stamps ran up to ${clockLag.maxBehindMs.toFixed(1)} ms behind our clock (±${(clockLag.roundTripP50Ms / 2).toFixed(1)} ms): (c) may read low by that much${clockLag.maxBehindMs > 5 ? ' — is 1ms-timer set in switch.conf?' : ''}`,
    );
    console.log(`files: ${OUT}`);
  } finally {
    if (capture instanceof WireCapture) await capture.stop().catch(() => undefined);
    await stopAllPhones();
    esl.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const redis = new Redis(stack.redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await redis.quit();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
