// Times as people read them, and the one clock that keeps them current.

export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hrs = Math.floor(m / 60);
  return `${hrs}h ${String(m % 60).padStart(2, '0')}m`;
}

export const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** A span that shows the time since `iso` and stays current (see startClock). */
export function since(iso: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.dataset.since = iso;
  el.textContent = duration(Date.now() - Date.parse(iso));
  return el;
}

/** Once a second, every `since` span on the page moves on. */
export function startClock(): void {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll<HTMLElement>('[data-since]')) {
      el.textContent = duration(now - Date.parse(el.dataset.since ?? ''));
    }
  }, 1000);
}

export const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
