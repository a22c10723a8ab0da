// bench:presence — claim latency against a bare PING, measured together.
// 10,000 experts over 100 skills, 64 concurrent claimers, 100,000 claim +
// release cycles. Target: claim p99 within 3× PING p99, and no double claim.
// Uses BENCH_REDIS_URL when given, else starts its own redis-server.
import Redis from 'ioredis';
import pino from 'pino';
import { personInputSchema } from '../src/domain/person';
import { ClaimStore } from '../src/store/claim-store';
import { PeopleStore } from '../src/store/people-store';
import { PresenceStore } from '../src/store/presence-store';
import { startRedisServer } from '../test/support/redis-server';
import { ms, percentile, timedLoops } from './stats';

const EXPERTS = Number(process.env.BENCH_EXPERTS ?? 10_000);
const SKILLS = 100;
const CLAIMERS = 64;
const CYCLES = Number(process.env.BENCH_CYCLES ?? 100_000);
const CONNECTIONS = 4;
const prefix = 'bench:';

// A fixed pseudo-random sequence, so every run asks the same questions.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (n: number) => Math.floor(random() * n);

async function main() {
  const server = process.env.BENCH_REDIS_URL ? undefined : await startRedisServer();
  const url = process.env.BENCH_REDIS_URL ?? server!.url;
  const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
  const [first] = connections as [Redis];
  try {
    const existing = await first.keys(`${prefix}*`);
    for (let i = 0; i < existing.length; i += 1000) await first.del(...existing.slice(i, i + 1000));

    const people = new PeopleStore(first, prefix, pino({ level: 'warn' }));
    const presence = new PresenceStore(first, prefix);
    const seedStart = Date.now();
    await timedLoops(EXPERTS, 32, async (i) => {
      const skills = new Map<string, number>();
      while (skills.size < 3) skills.set(`skill${pick(SKILLS)}`, 1 + pick(5));
      const person = personInputSchema.parse({
        id: `e${i}`,
        displayName: `Expert ${i}`,
        roles: ['expert'],
        skills: [...skills].map(([name, level]) => ({ name, level })),
        languages: [['en'], ['de'], ['en', 'fr']][i % 3],
      });
      await people.upsert(person);
      await presence.compareAndSet(person.id, 'offline', 'available', '');
    });
    console.log(`seeded ${EXPERTS} experts over ${SKILLS} skills in ${Date.now() - seedStart} ms`);

    const pingTimes = await timedLoops(CYCLES, CLAIMERS, async (i) => {
      await connections[i % CONNECTIONS]!.ping();
    });

    const stores = connections.map((c) => new ClaimStore(c, prefix));
    const held = new Set<string>();
    let doubleClaims = 0;
    let noneAvailable = 0;
    const releases: Promise<unknown>[] = [];
    const claimTimes = await timedLoops(CYCLES, CLAIMERS, async (i) => {
      const store = stores[i % CONNECTIONS]!;
      const claim = await store.claim(
        { role: 'expert', skills: [{ name: `skill${pick(SKILLS)}`, minLevel: 1 + pick(3) }], exclude: [] },
        30_000,
      );
      if (!claim) {
        noneAvailable++;
        return;
      }
      if (held.has(claim.personId)) doubleClaims++;
      held.add(claim.personId);
      // Released outside the timed part: the figure is the claim alone.
      releases.push(
        Promise.resolve().then(async () => {
          held.delete(claim.personId);
          await store.release(claim.claimId);
        }),
      );
    });
    await Promise.all(releases);

    const overloaded = (await first.keys(`${prefix}person:*`)).length
      ? await countOverloaded(first)
      : 0;
    const report = {
      claimP50: percentile(claimTimes, 50),
      claimP99: percentile(claimTimes, 99),
      pingP50: percentile(pingTimes, 50),
      pingP99: percentile(pingTimes, 99),
    };
    console.log(`claims: ${CYCLES} claim+release cycles by ${CLAIMERS} concurrent claimers (${noneAvailable} found nobody)`);
    console.log(`claim p50 ${ms(report.claimP50)}  p99 ${ms(report.claimP99)}`);
    console.log(`PING  p50 ${ms(report.pingP50)}  p99 ${ms(report.pingP99)}  (same concurrency, same run)`);
    console.log(`ratio claim p99 / PING p99: ${(report.claimP99 / report.pingP99).toFixed(2)}  (target ≤ 3)`);
    console.log(`double claims: ${doubleClaims}; people over their call limit afterwards: ${overloaded}  (target 0)`);
  } finally {
    await Promise.all(connections.map((c) => c.quit()));
    server?.process.kill();
  }
}

async function countOverloaded(redis: Redis): Promise<number> {
  let over = 0;
  for (let i = 0; i < EXPERTS; i += 500) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(EXPERTS, i + 500); j++) pipeline.hmget(`${prefix}person:e${j}`, 'load', 'max');
    for (const [, fields] of (await pipeline.exec()) ?? []) {
      const [load, max] = fields as [string, string];
      if (Number(load) > Number(max) || Number(load) < 0) over++;
    }
  }
  return over;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
