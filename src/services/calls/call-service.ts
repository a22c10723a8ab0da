import type { Call } from '../../domain/call';
import { AppError, NotFoundError } from '../../domain/errors';
import type { CallStore } from '../../store/call-store';
import type { CommandBus } from '../ports/command-bus';
import type { CallEngine } from './call-engine';

/** Reads of live calls (any instance) and commands to them (sent to their owner). */
export class CallService {
  constructor(
    private readonly calls: CallStore,
    private readonly commands: CommandBus,
    private readonly engine?: CallEngine,
  ) {}

  async start(): Promise<void> {
    await this.commands.start((command) => {
      if (command.type === 'hangup') this.engine?.requestHangup(command.callId);
    });
  }

  list(): Promise<Call[]> {
    return this.calls.list();
  }

  async get(id: string): Promise<Call> {
    const call = await this.calls.get(id);
    if (!call) throw new NotFoundError('call', id);
    return call;
  }

  async hangup(id: string): Promise<void> {
    if (await this.engine?.hangup(id)) return;
    const call = await this.get(id);
    if (!(await this.commands.send(call.owner, { type: 'hangup', callId: id }))) {
      throw new AppError('unavailable', 'owner_unreachable', `the instance that holds call "${id}" is not answering`, {
        owner: call.owner,
      });
    }
  }
}
