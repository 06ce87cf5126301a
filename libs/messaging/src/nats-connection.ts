// The service's one NATS connection: reconnects forever (a NATS restart must never need a service
// restart), and a readiness check that is false while the connection is down or closed.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from './errors.js';
import {
  SILENT_LOGGER,
  type MessagingLogger,
  type ReadinessRegistry,
  type ReadinessResult,
} from './types.js';

export interface ConnectNatsOptions {
  /** One URL or a comma-separated list (`nats://a:4222,nats://b:4222`). */
  url: string;
  /** Client name shown by the server (`billing`, `policy-engine`...). */
  name: string;
  /** Keep retrying the first connect instead of failing (default false: fail fast at start-up). */
  waitOnFirstConnect?: boolean;
  /** Delay between reconnect attempts (default 1 s, with jitter). */
  reconnectTimeWaitMs?: number;
  /** Timeout of the initial connect (default 5 s). */
  timeoutMs?: number;
}

/** Connects with unlimited reconnects. */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
    waitOnFirstConnect: options.waitOnFirstConnect ?? false,
    timeout: options.timeoutMs ?? 5000,
  });
}

type ConnectionState = 'connected' | 'disconnected' | 'closed';

/** Follows a connection's status events; `check()` is its readiness. */
export class NatsConnectionMonitor {
  private state: ConnectionState = 'connected';
  private since = new Date();
  private lastError?: string;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: MessagingLogger = SILENT_LOGGER,
  ) {
    void this.watch();
    void nc.closed().then((err) => {
      this.set('closed', err ? errorMessage(err) : undefined);
    });
  }

  /** Registers the check under `name` (default `nats`). */
  register(health: ReadinessRegistry, name = 'nats'): this {
    health.addReadinessCheck(name, () => this.check());
    return this;
  }

  check(): ReadinessResult {
    if (this.nc.isClosed() || this.state === 'closed')
      return { ok: false, detail: `connection closed${this.lastError ? `: ${this.lastError}` : ''}` };
    if (this.state === 'disconnected')
      return {
        ok: false,
        detail: `disconnected since ${this.since.toISOString()}, reconnecting${this.lastError ? ` (${this.lastError})` : ''}`,
      };
    if (this.nc.isDraining()) return { ok: false, detail: 'draining' };
    return { ok: true, detail: `connected to ${this.nc.getServer()}` };
  }

  private async watch(): Promise<void> {
    try {
      for await (const s of this.nc.status()) {
        switch (s.type) {
          case 'disconnect':
          case 'reconnecting':
            this.set('disconnected');
            break;
          case 'reconnect':
            this.set('connected');
            break;
          case 'error':
            this.lastError = errorMessage(s.error);
            break;
          case 'close':
            this.set('closed');
            break;
          default:
            break;
        }
      }
    } catch (err) {
      this.logger.debug({ err: errorMessage(err) }, 'nats status iterator ended');
    }
  }

  private set(state: ConnectionState, error?: string): void {
    if (error) this.lastError = error;
    if (state === this.state) return;
    this.state = state;
    this.since = new Date();
    const level = state === 'connected' ? 'info' : 'warn';
    this.logger[level]({ server: this.nc.getServer(), state }, `nats connection ${state}`);
    if (state === 'connected') this.lastError = undefined;
  }
}
