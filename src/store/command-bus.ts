import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CallCommand, CommandBus } from '../services/ports/command-bus';

// Every command type, as a record so a type added to CallCommand and not here
// fails to compile rather than being skipped on arrival.
const COMMAND_TYPES: Record<CallCommand['type'], true> = {
  hangup: true,
  end: true,
  control: true,
  leave: true,
  'escalation.start': true,
  'escalation.merge': true,
  'escalation.cancel': true,
  'escalation.decline': true,
};

// The envelope: a type this version knows and the call it is for. The rest is
// what this code wrote on another instance.
const envelope = z.looseObject({ type: z.enum(Object.keys(COMMAND_TYPES) as [CallCommand['type']]), callId: z.string().min(1) });

/** Commands for the instance that owns a call, over its own pub/sub channel. */
export class RedisCommandBus implements CommandBus {
  private handler?: (command: CallCommand) => void;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly log: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channelOf(this.instanceId)) return;
      const command = this.parse(message);
      if (command) this.handler?.(command);
    });
  }

  async start(handler: (command: CallCommand) => void): Promise<void> {
    this.handler = handler;
    await this.subscriber.subscribe(this.channelOf(this.instanceId));
  }

  /** Whether any instance was listening. */
  async send(instanceId: string, command: CallCommand): Promise<boolean> {
    return (await this.redis.publish(this.channelOf(instanceId), JSON.stringify(command))) > 0;
  }

  /**
   * Undefined (and logged) for a message that is not a command this version
   * knows: one from a newer version during a rolling upgrade, or not JSON at
   * all. Thrown here, it would surface inside the Redis client's reader.
   */
  private parse(message: string): CallCommand | undefined {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      this.log.warn({ message: message.slice(0, 200) }, 'call command is not JSON; ignored');
      return undefined;
    }
    const checked = envelope.safeParse(json);
    if (checked.success) return checked.data as CallCommand;
    this.log.warn({ issues: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'call command not understood; ignored');
    return undefined;
  }

  private channelOf(instanceId: string): string {
    return `${this.prefix}commands:${instanceId}`;
  }
}
