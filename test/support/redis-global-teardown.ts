import type { ChildProcess } from 'node:child_process';

// Every project's teardown runs after all tests: the first stops the shared server.
export default async function teardown(): Promise<void> {
  const shared = globalThis as { __testRedis?: { process: ChildProcess } };
  const server = shared.__testRedis;
  if (!server) return;
  delete shared.__testRedis;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGTERM');
  await exited;
}
