import { startTestApp, TOKENS } from './test-app';

// The console is written against endpoints the lead is still building. Tests
// that need one run once the server has it, and are skipped, with the reason
// printed, until then. Which exist is found once per run by the browser
// project's global setup, because jest decides what to skip before any test runs.

export const CONTRACT_ROUTES = {
  escalate: { method: 'POST', path: '/v1/calls/00000000-0000-4000-8000-000000000000/escalations' },
  personStream: { method: 'GET', path: '/v1/experts/bo/stream' },
} as const;
export type ContractRoute = keyof typeof CONTRACT_ROUTES;

const ENV = 'CONSOLE_TEST_CONTRACT_ROUTES';

/** Asks a real app over HTTP which contract routes it serves (a missing route is our 404 "no route …"). */
export async function probeContractRoutes(): Promise<ContractRoute[]> {
  const t = await startTestApp();
  try {
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const found: ContractRoute[] = [];
    for (const [name, { method, path }] of Object.entries(CONTRACT_ROUTES)) {
      const controller = new AbortController();
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
        signal: controller.signal,
      });
      // A stream answers 200 and never ends: its headers are enough.
      const missing = res.status === 404 && ((await res.json()) as { message?: string }).message?.startsWith('no route') === true;
      controller.abort();
      if (!missing) found.push(name as ContractRoute);
    }
    return found;
  } finally {
    await t.close();
  }
}

export function recordContractRoutes(found: ContractRoute[]): void {
  process.env[ENV] = found.join(',');
}

/** `describe` when the server has every route named, else `describe.skip` with the reason printed. */
export function describeWhenServed(routes: ContractRoute[]): jest.Describe {
  const served = new Set((process.env[ENV] ?? '').split(','));
  const missing = routes.filter((r) => !served.has(r));
  if (!missing.length) return describe;
  const list = missing.map((r) => `${CONTRACT_ROUTES[r].method} ${CONTRACT_ROUTES[r].path}`).join(', ');
  console.warn(`skipped until the server has ${list} (the escalation API being built on main)`);
  return describe.skip;
}
