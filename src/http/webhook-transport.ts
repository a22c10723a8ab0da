import type { WebhookTransport } from '../services/ports/webhook-transport';

/** Webhook POSTs with Node's fetch; a receiver that hangs counts as a failed attempt. */
export class FetchWebhookTransport implements WebhookTransport {
  constructor(private readonly timeoutMs = 5000) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    return response.status;
  }
}
