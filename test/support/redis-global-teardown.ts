import type { ChildProcess } from 'node:child_process';

export default async function teardown(): Promise<void> {
  const server = (globalThis as { __testRedis?: { process: ChildProcess } }).__testRedis;
  if (!server) return;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGTERM');
  await exited;
}
