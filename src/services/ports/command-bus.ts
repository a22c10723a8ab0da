/** What one instance asks of the instance that owns a call. */
export type CallCommand = { type: 'hangup'; callId: string };

export interface CommandBus {
  start(handler: (command: CallCommand) => void): Promise<void>;
  send(instanceId: string, command: CallCommand): Promise<boolean>;
}
