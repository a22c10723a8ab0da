import type Redis from 'ioredis';
import type { CallCommand, CommandBus } from '../services/ports/command-bus';

/** Commands for the instance that owns a call, over its own pub/sub channel. */
export class RedisCommandBus implements CommandBus {
  private handler?: (command: CallCommand) => void;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly instanceId: string,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channelOf(this.instanceId)) this.handler?.(JSON.parse(message) as CallCommand);
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

  private channelOf(instanceId: string): string {
    return `${this.prefix}commands:${instanceId}`;
  }
}
