import { type Scenario, SippPhone, type SippPhoneOptions } from './sipp-phone';

// An agent's or expert's desk phone: one sipp process answers (or refuses)
// calls on its port, and short phone-register runs register that port as the
// user's contact with digest authentication, and later un-register it. The two
// processes share nothing but the port number in the Contact header.

export interface DeskPhoneOptions {
  user: string;
  password: string;
  /** drachtio's SIP address, host:port. */
  registrar: string;
  outDir: string;
  /** How the phone treats calls; default phone-answer. */
  scenario?: Extract<Scenario, 'phone-answer' | 'phone-buttons' | 'phone-renegotiate' | 'phone-hold-quiet' | 'phone-busy' | 'phone-decline' | 'phone-no-answer'>;
  /** The user phone-buttons transfers its call to (a desk user); by default "colleague", whom nobody has. */
  transferTo?: string;
  /** Passed on to the answering sipp (ringing time, hang-up cue, codec …). */
  answering?: Pick<SippPhoneOptions, 'pauseMs' | 'hangUpAfterMs' | 'calls' | 'audio'>;
  expiresSec?: number;
  /** Which of the user's phones this is ("desk", "soft" …), when they have several: names its files. */
  device?: string;
  /** false: only the answering process starts, and register() is left to the test. */
  register?: boolean;
}

export class DeskPhone {
  private registerRuns = 0;

  private constructor(
    readonly user: string,
    /** The process that takes the calls: check its outcomes and received INVITEs. */
    readonly calls: SippPhone,
    private readonly options: DeskPhoneOptions,
  ) {}

  /** Starts the answering process, then registers its port. Rejects when the registrar refuses. */
  static async start(options: DeskPhoneOptions): Promise<DeskPhone> {
    const calls = await SippPhone.start({
      scenario: options.scenario ?? 'phone-answer',
      outDir: options.outDir,
      name: `${DeskPhone.label(options)}-calls`,
      keys: { user: options.user, ...(options.transferTo ? { transfer_to: options.transferTo } : {}) },
      ...options.answering,
    });
    const phone = new DeskPhone(options.user, calls, options);
    if (options.register === false) return phone;
    try {
      const outcome = await phone.register(options.expiresSec ?? 300);
      if (!outcome.startsWith('registered')) throw new Error(`registrar refused ${options.user}: ${outcome}`);
    } catch (err) {
      await calls.stop();
      throw err;
    }
    return phone;
  }

  private static label(options: DeskPhoneOptions): string {
    return options.device ? `${options.user}-${options.device}` : options.user;
  }

  /** The contact the registrar should now hold for this user. */
  get contact(): string {
    return this.calls.uri(this.user);
  }

  /** The contact as this phone's REGISTER names it (phone-register adds the transport). */
  get registeredContact(): string {
    return `${this.contact};transport=UDP`;
  }

  /**
   * One REGISTER run (expires 0 un-registers); resolves with its OUTCOME ("registered expires=300", "forbidden").
   * contacts: the Contact header's value instead of this phone's own ("*", or several).
   */
  async register(expiresSec: number, password = this.options.password, contacts?: string): Promise<string> {
    const run = await SippPhone.start({
      scenario: 'phone-register',
      outDir: this.options.outDir,
      // Numbered: each run's files stay for reading after a failure.
      name: `${DeskPhone.label(this.options)}-register-${(this.registerRuns += 1)}-${expiresSec}`,
      remote: this.options.registrar,
      keys: { user: this.user, expires: expiresSec, contact_port: this.calls.sipPort, ...(contacts ? { contacts } : {}) },
      auth: { user: this.user, password },
      calls: 1,
      maxRunSec: 10,
    });
    const exit = await run.waitForExit(15_000);
    const outcome = run.outcomes()[0];
    if (!outcome) throw new Error(`REGISTER for ${this.user} ended without an outcome (exit ${exit.code}); see ${run.files.messages}`);
    return outcome;
  }

  /** Un-registers (best effort) and stops the answering process. */
  async stop(): Promise<void> {
    await this.register(0).catch(() => undefined);
    await this.calls.stop();
  }
}
