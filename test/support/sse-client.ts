/** Reads a server-sent event stream over real HTTP and collects its events. */
export async function openSse(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  const events: { event: string; data: unknown }[] = [];
  const waiters: (() => void)[] = [];
  const listeners: ((e: { event: string; data: unknown }) => void)[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            const parsed = { event, data: JSON.parse(data) as unknown };
            events.push(parsed);
            for (const listener of listeners) listener(parsed);
          }
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted by close()
    }
    markEnded();
  })();
  return {
    events,
    /** Resolves with the first event (seen or to come) that matches. */
    async waitFor(match: (e: { event: string; data: unknown }) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event; saw ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    /** Calls the listener with each event from now on. */
    onEvent(listener: (e: { event: string; data: unknown }) => void) {
      listeners.push(listener);
    },
    /** Resolves when the stream ends: the server ended it, or close(). */
    ended,
    close: () => controller.abort(),
  };
}
