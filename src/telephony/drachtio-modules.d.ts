// drachtio-fsmrf and the REGISTER parser middleware ship no types. Their objects
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
