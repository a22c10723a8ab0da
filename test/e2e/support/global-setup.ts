import { liveStackFromEnv, unreachableParts } from './live-stack';

// Decides once, before any test file is loaded, whether the live stack is
// there. When it is not, one line says what was tried and every e2e test is
// declared skipped (see live-suite.ts): the run neither fails nor passes them.
export default async function globalSetup(): Promise<void> {
  let problem: string | undefined;
  try {
    problem = await unreachableParts(liveStackFromEnv());
  } catch (err) {
    problem = `bad settings: ${(err as Error).message}`;
  }
  if (problem) {
    process.env.E2E_SKIP_REASON = problem;
    process.stdout.write(`\ne2e: skipped — no live stack: ${problem}\n`);
  }
}
