// drachtio-fsmrf and the two registrar middlewares ship no types. Their objects
// are described in drachtio-api.ts; drachtio-adapter.ts is the one place that
// gives them those types.

declare module 'drachtio-fsmrf' {
  class Mrf {
    constructor(srf: unknown, opts?: Record<string, unknown>);
    connect(opts: Record<string, unknown>): Promise<unknown>;
  }
  export = Mrf;
}

declare module 'drachtio-mw-registration-parser' {
  const registrationParser: (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
  export = registrationParser;
}

declare module 'drachtio-mw-digest-auth' {
  interface DigestOptions {
    /** Defaults to the host of the Request-URI. */
    realm?: string | ((req: unknown) => string | Promise<string>);
    /** A password of null/undefined answers 403; an error answers a new challenge. */
    passwordLookup: (username: string, realm: string, callback: (err: unknown, password?: string | null) => void) => void;
    proxy?: boolean;
  }
  const digestAuth: (opts: DigestOptions) => (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
  export = digestAuth;
}
