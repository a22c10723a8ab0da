/** Sends one HTTP POST; resolves with the status, rejects on a network failure or timeout. */
export interface WebhookTransport {
  post(url: string, body: string, headers: Record<string, string>): Promise<number>;
}
