/** Retries an assertion until it passes or the time is up (async steps settle in a few ms). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
