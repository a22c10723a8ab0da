// The console's one way to the API: JSON over fetch with the person's token.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server has no such route (yet): a feature still to come, not a failure. */
  get routeMissing(): boolean {
    return this.status === 404 && this.message.startsWith('no route');
  }
}

export class Api {
  /** Called once when the server no longer knows the token. */
  onUnauthorized: () => void = () => undefined;

  constructor(readonly token: string) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /** A stream's URL: EventSource cannot send headers, so the token rides in the query. */
  streamUrl(path: string): string {
    return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(this.token)}`;
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'the service cannot be reached; check the connection');
    }
    const text = await res.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (res.ok) return data as T;
    const err = (data ?? {}) as { error?: string; message?: string; details?: unknown };
    if (res.status === 401) this.onUnauthorized();
    throw new ApiError(res.status, err.error ?? 'http_error', err.message ?? `the service answered ${res.status}`, err.details);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** A message for the person: what failed, in words. */
export const problem = (err: unknown) => (err instanceof Error ? err.message : String(err));
