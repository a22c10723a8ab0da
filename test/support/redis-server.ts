import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { freeTcpPort } from './free-tcp-port';

// Starts a throwaway redis-server on a free loopback port, persisting nothing.

export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(200);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export async function startRedisServer(): Promise<{ url: string; process: ChildProcess }> {
  // Another process may take the free port before redis-server binds it: the
  // server then exits at once, and a new port is tried.
  for (let attempt = 1; ; attempt++) {
    const started = await startRedisOn(await freeTcpPort());
    if (started !== 'exited') return started;
    if (attempt === 3) throw new Error('redis-server exited at start three times, each on a port that was free just before');
  }
}

/** 'exited' when the server quits before it answers: its port was taken. */
export async function startRedisOn(port: number): Promise<{ url: string; process: ChildProcess } | 'exited'> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  // When a later project's global setup throws (no Chromium), jest exits
  // without running any teardown: the server must not outlive the run.
  const stopWithUs = () => child.kill();
  process.once('exit', stopWithUs);
  const exited = new Promise<'exited'>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', stopWithUs);
      resolve('exited');
    }),
  );
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(new Error(`cannot start redis-server (${err.message}); install it: apt-get install -y redis-server`)),
    );
  });
  for (let i = 0; i < 100; i++) {
    const answered = await Promise.race([ping(port), exited, failed]);
    if (answered === 'exited') return 'exited';
    if (answered) return { url: `redis://127.0.0.1:${port}`, process: child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`redis-server did not answer on port ${port} within 5 s`);
}
