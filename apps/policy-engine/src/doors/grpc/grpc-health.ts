// grpc.health.v1.Health for the gRPC door: SERVING while /readyz is ready (checked every 2 s), and
// NOT_SERVING from the start of a shutdown, so load balancers that probe gRPC stop in time.
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { HealthService } from '@auraison/observability';

export const POLICY_SERVICE_FULL_NAME = 'auraison.mp.v1.PolicyService';

@Injectable()
export class GrpcHealth implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly implementation = new HealthImplementation({
    '': 'NOT_SERVING',
    [POLICY_SERVICE_FULL_NAME]: 'NOT_SERVING',
  });
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly health: HealthService) {}

  attach(server: Server): void {
    this.implementation.addToServer(server);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), 2000);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.timer);
    this.set('NOT_SERVING');
  }

  private async refresh(): Promise<void> {
    const report = await this.health.readiness();
    if (!this.stopping) this.set(report.ready ? 'SERVING' : 'NOT_SERVING');
  }

  private set(status: ServingStatus): void {
    this.implementation.setStatus('', status);
    this.implementation.setStatus(POLICY_SERVICE_FULL_NAME, status);
  }
}
