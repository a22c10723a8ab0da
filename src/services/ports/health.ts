/** A dependency's connection as /readyz reports it. */
export interface DependencyHealth {
  configured: boolean;
  state: 'connected' | 'connecting' | 'disconnected' | 'not_configured';
  detail?: string;
}

export type HealthReport = Record<'redis' | 'drachtio' | 'freeswitch', DependencyHealth>;

export interface HealthProbe {
  report(): Promise<HealthReport>;
}
