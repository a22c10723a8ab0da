import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { DeskPhone } from './support/desk-phone';
import { describeLive, eventually, liveSuite } from './support/live-suite';
import { SippPhone } from './support/sipp-phone';

// The service as the registrar of desk phones: digest authentication against
// the directory's sipPassword, and presence that follows the registration.

describeLive('desk-phone registration on the live stack', () => {
  const live = liveSuite();

  it('presence: an expert desk phone registers and un-registers — presence follows', async () => {
    const bo = await live.person('bo', ['expert']);
    expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline' });

    const phone = await DeskPhone.start({ user: bo.user, password: bo.password, registrar: live.sipTarget, outDir: live.outDir, expiresSec: 120 });
    try {
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'available', reason: 'desk phone registered', activeClaims: 0 }));
      // A wrong password is refused and changes nothing; so is a binding too brief to keep.
      expect(await phone.register(120, 'not-the-password')).toBe('forbidden');
      expect(await phone.register(30)).toBe('too brief min=60');
      // A contact we could not call, or a +sip.instance that is no URN: a 400 that names it.
      expect(await phone.register(120, bo.password, '<tel:+4315551234>')).toBe('refused 400 Bad Contact');
      expect(await phone.register(120, bo.password, `<${phone.registeredContact}>;+sip.instance="<http://phone.example/7>"`)).toBe('refused 400 Bad +sip.instance');
      expect(await live.presenceOf(bo)).toMatchObject({ state: 'available' });

      const { phone: customer, number } = await live.customer(3000);
      await customer.waitForOutcome(/^answered$/, 5000);
      // bo is an expert, not an agent: the customer waits in the queue; bo's phone stays quiet.
      const call = await live.callOf(number, (c) => c.state === 'queued');
      expect(phone.calls.received('INVITE')).toEqual([]);
      await customer.waitForOutcome(/^local_bye$/, 5000);
      await live.expectNothingLeft(call.room, [], [bo]);

      expect(await phone.register(0)).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' }));

      // Registering again brings bo back.
      expect(await phone.register(120)).toBe('registered expires=120');
      await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'available' }));
    } finally {
      await phone.stop();
    }
    await eventually(async () => expect(await live.presenceOf(bo)).toMatchObject({ state: 'offline' }));
  });

  it('presence: an agent whose desk phone un-registers during a call talks on, and is offline when the call ends', async () => {
    const ana = await live.person('ana', ['agent']);
    const phone = await DeskPhone.start({ user: ana.user, password: ana.password, registrar: live.sipTarget, outDir: live.outDir, expiresSec: 120 });
    try {
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' }));
      const { phone: customer, number } = await live.customer(6000);
      await phone.calls.waitForOutcome(/^answered /, 8000);
      const call = await live.callOf(number, (c) => c.state === 'connected');
      const members = await live.roomHolds(call.room, [number, ana.user]);

      expect(await phone.register(0)).toBe('registered expires=0');
      expect(await live.presenceOf(ana)).toMatchObject({ state: 'busy' });
      await live.roomHolds(call.room, [number, ana.user]);

      await customer.waitForOutcome(/^local_bye$/, 10_000);
      await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'offline', reason: 'desk phone gone during the call' }));
    } finally {
      await phone.stop();
    }
  });

  it('presence: a desk phone behind NAT registers a private contact — its calls go where its REGISTER came from', async () => {
    const ana = await live.person('ana', ['agent']);
    // One port plays the phone: first its REGISTERs, naming a private address
    // nobody has here (as a phone behind NAT knows itself), then the phone taking calls.
    const register = async (expires: number, sipPort?: number) => {
      const run = await SippPhone.start({
        scenario: 'phone-register',
        outDir: live.outDir,
        name: `ana-nat-register-${expires}`,
        remote: live.sipTarget,
        keys: { user: ana.user, expires, contact_host: '192.168.77.7', contact_port: 5060 },
        auth: { user: ana.user, password: ana.password },
        calls: 1,
        maxRunSec: 10,
        sipPort,
      });
      await run.waitForExit(15_000);
      return { outcome: run.outcomes()[0], port: run.sipPort };
    };
    const registered = await register(120);
    expect(registered.outcome).toBe('registered expires=120');
    const calls = await SippPhone.start({ scenario: 'phone-answer', outDir: live.outDir, name: 'ana-nat-calls', sipPort: registered.port, keys: { user: ana.user } });
    try {
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' }));
      const { phone: customer, number } = await live.customer(3000);
      await calls.waitForOutcome(/^answered /, 8000);
      const call = await live.callOf(number, (c) => c.state === 'connected');
      const members = await live.roomHolds(call.room, [number, ana.user]);
      await customer.waitForOutcome(/^local_bye$/, 8000);
      await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);

      // Un-registering names the contact the phone registered, here from another port.
      expect((await register(0)).outcome).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' }));
    } finally {
      await calls.stop();
    }
  });

  it('presence: a phone that moves in one REGISTER (its new contact, expires=0 on the old) keeps its owner available, and her calls go to the new contact; Contact: * un-registers all her phones', async () => {
    const ana = await live.person('ana', ['agent']);
    const phone = (device: string, register: boolean) =>
      DeskPhone.start({ user: ana.user, password: ana.password, registrar: live.sipTarget, outDir: live.outDir, device, register, answering: { pauseMs: 200 } });
    const old = await phone('old', true);
    const moved = await phone('moved', false);
    try {
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' }));
      const { since } = await live.presenceOf(ana);
      expect(await moved.register(300, ana.password, `<${moved.registeredContact}>, <${old.registeredContact}>;expires=0`)).toBe('registered expires=300');
      // Not offline for a moment: her presence has not changed since before the move.
      expect(await live.presenceOf(ana)).toMatchObject({ state: 'available', since });

      const { phone: customer, number } = await live.customer(3000);
      await moved.calls.waitForOutcome(/^answered /, 8000);
      expect(old.calls.received('INVITE')).toEqual([]);
      const call = await live.callOf(number, (c) => c.state === 'connected');
      const members = await live.roomHolds(call.room, [number, ana.user]);
      await customer.waitForOutcome(/^local_bye$/, 8000);
      await live.expectNothingLeft(call.room, members.map((m) => m.uuid), [ana]);

      // Both phones again; then the wildcard (Contact: *) takes every one of hers at once.
      expect(await old.register(300)).toBe('registered expires=300');
      expect(await moved.register(0, ana.password, '*')).toBe('registered expires=0');
      await eventually(async () => expect(await live.presenceOf(ana)).toMatchObject({ state: 'offline', reason: 'desk phone unregistered' }));
    } finally {
      await old.stop();
      await moved.stop();
    }
  });

  it("presence: a REGISTER without Contact (a phone asking) gets, once authenticated, the list of the user's phones", async () => {
    const ana = await live.person('ana', ['agent']);
    const phone = await DeskPhone.start({ user: ana.user, password: ana.password, registrar: live.sipTarget, outDir: live.outDir });
    try {
      const ask = (headers: string[] = []) => requestOutsideDialog('REGISTER', headers, { toUser: ana.user, contact: false });
      const challenge = await ask();
      expect(challenge.split('\r\n')[0]).toBe('SIP/2.0 401 Unauthorized');
      const realm = /realm="([^"]+)"/.exec(challenge)?.[1] ?? '';
      const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
      const uri = `sip:${live.sipTarget}`;
      const md5 = (...parts: string[]) => createHash('md5').update(parts.join(':')).digest('hex');
      const response = md5(md5(ana.user, realm, ana.password), nonce, '00000001', 'feed', 'auth', md5('REGISTER', uri));
      const answer = await ask([
        `Authorization: Digest username="${ana.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="feed"`,
      ]);
      expect(answer.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
      expect(answer).toMatch(new RegExp(`^Contact: <${phone.registeredContact.replace(/[.;]/g, '\\$&')}>;expires=\\d+\r$`, 'm'));
      // Asking changed nothing.
      expect(await live.presenceOf(ana)).toMatchObject({ state: 'available' });
    } finally {
      await phone.stop();
    }
  });

  /** One request outside any dialog, straight over UDP; resolves with the answer (a 100 Trying skipped). */
  async function requestOutsideDialog(method: string, headers: string[] = [], { toUser, contact = true }: { toUser?: string; contact?: boolean } = {}): Promise<string> {
    const socket = dgram.createSocket('udp4');
    try {
      const answered = new Promise<string>((resolve) =>
        socket.on('message', (message) => {
          const text = message.toString();
          if (!text.startsWith('SIP/2.0 100 ')) resolve(text);
        }),
      );
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      const [host, port] = live.sipTarget.split(':') as [string, string];
      const local = socket.address().port;
      const request = [
        `${method} sip:${live.sipTarget} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-${method.toLowerCase()}-${Date.now()}`,
        'From: <sip:desk@127.0.0.1>;tag=ka',
        toUser ? `To: <sip:${toUser}@127.0.0.1>` : `To: <sip:${live.sipTarget}>`,
        `Call-ID: ${method.toLowerCase()}-${Date.now()}@127.0.0.1`,
        `CSeq: 1 ${method}`,
        ...(contact ? [`Contact: <sip:desk@127.0.0.1:${local}>`] : []),
        'Max-Forwards: 70',
        ...headers,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(request, Number(port), host);
      return await answered;
    } finally {
      socket.close();
    }
  }

  it('presence: a keep-alive OPTIONS (a phone, a balancer) is answered 200 with the methods we take', async () => {
    const answer = await requestOutsideDialog('OPTIONS');
    expect(answer.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
    expect(answer).toMatch(/^Allow: .*REGISTER/m);
  });

  it("presence: a desk phone's voicemail SUBSCRIBE gets 489, a MESSAGE or PUBLISH 405 with what we take, a stray NOTIFY or INFO 481 — not the 503 that reads as down", async () => {
    expect((await requestOutsideDialog('SUBSCRIBE', ['Event: message-summary', 'Expires: 3600'])).split('\r\n')[0]).toBe('SIP/2.0 489 Bad Event');
    const message = await requestOutsideDialog('MESSAGE');
    expect(message.split('\r\n')[0]).toBe('SIP/2.0 405 Method Not Allowed');
    expect(message).toMatch(/^Allow: .*INVITE/m);
    expect((await requestOutsideDialog('PUBLISH', ['Event: presence'])).split('\r\n')[0]).toBe('SIP/2.0 405 Method Not Allowed');
    for (const [method, headers] of [['NOTIFY', ['Event: check-sync']], ['INFO', []]] as const) {
      expect((await requestOutsideDialog(method, [...headers])).split('\r\n')[0]).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
    }
  });
});
