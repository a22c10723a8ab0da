import { execFile } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { promisify } from 'node:util';
import { eventually } from '../support/eventually';
import { ping, startRedisOn } from '../support/redis-server';

// The harness's own redis-server, as jest leaves it when a global setup throws:
// its starter exits and no teardown runs.
const starter = `
const m = await import('./test/support/redis-server.ts');
const server = await (m.startRedisServer ?? m.default.startRedisServer)();
console.log(server.url);
process.exit(0);
`;

/** Stops a server this test failed to see stopped, so a failure leaves nothing running. */
function shutdown(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end('SHUTDOWN NOSAVE\r\n'));
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

describe('the test harness redis-server', () => {
  it('stops when the process that started it exits without a teardown', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', starter], {
      cwd: `${__dirname}/../..`,
    });
    const port = Number(new URL(stdout.trim()).port);
    try {
      await eventually(async () => expect(await ping(port)).toBe(false), 5000, 50);
    } finally {
      if (await ping(port)) await shutdown(port);
    }
  }, 20_000);

  it('is told at once when its port is taken meanwhile, so the harness tries another', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      await expect(startRedisOn((taken.address() as { port: number }).port)).resolves.toBe('exited');
    } finally {
      taken.close();
    }
  });
});
