import type { Logger } from 'pino';
import type { Call } from '../../domain/call';
import { AppError, ForbiddenError, NotFoundError } from '../../domain/errors';
import { isStaffManager, type Principal } from '../../domain/principal';
import type { CallStore } from '../../store/call-store';
import { BackgroundWork } from '../background-work';
import type { CallCommand, CommandBus } from '../ports/command-bus';
import type { CallCommands } from './call-commands';

/** Staff legs in the room now. */
export const joinedStaff = (call: Call) => call.legs.filter((l) => l.role !== 'customer' && l.state === 'joined');

/**
 * Reads of live calls (any instance) and commands to them: carried out here
 * when this instance owns the call, else sent to the owner.
 */
export class CallService {
  private readonly background: BackgroundWork;
  private commands?: CallCommands;

  constructor(
    private readonly calls: CallStore,
    private readonly bus: CommandBus,
    log: Logger,
  ) {
    this.background = new BackgroundWork(log);
  }

  /** Starts taking commands from other instances for the calls `commands` owns. */
  async start(commands?: CallCommands): Promise<void> {
    this.commands = commands;
    await this.bus.start((command) => this.background.run(`${command.type} command`, () => this.execute(command)));
  }

  list(): Promise<Call[]> {
    return this.calls.list();
  }

  /** A copy of the call's record: the live one when this instance holds the call (no round trip), else the stored one. */
  async get(id: string): Promise<Call> {
    const local = this.commands?.localCall(id);
    const call = local ? structuredClone(local) : await this.calls.get(id);
    if (!call) throw new NotFoundError('call', id);
    return call;
  }

  /** A call the principal may act on: managers any; agents and experts only their own. */
  async getFor(id: string, principal: Principal): Promise<Call> {
    const call = await this.get(id);
    if (isStaffManager(principal)) return call;
    if (!joinedStaff(call).some((l) => l.personId === principal.personId)) {
      throw new ForbiddenError(`only the people in call "${id}" and supervisors may do that`);
    }
    return call;
  }

  hangup(id: string): Promise<void> {
    return this.send({ type: 'hangup', callId: id });
  }

  /** Carries the command out here, or hands it to the owner; errors from a remote owner are theirs to log. */
  async send(command: CallCommand): Promise<void> {
    if (this.commands?.owns(command.callId)) {
      await this.commands.execute(command);
      return;
    }
    const call = await this.get(command.callId);
    if (!(await this.bus.send(call.owner, command))) {
      throw new AppError('unavailable', 'owner_unreachable', `the instance that holds call "${call.id}" is not answering`, {
        owner: call.owner,
      });
    }
  }

  async close(): Promise<void> {
    await this.background.drain();
  }

  private async execute(command: CallCommand): Promise<void> {
    if (this.commands?.owns(command.callId)) await this.commands.execute(command);
  }
}
