// Liveness and readiness. Liveness is "the process answers"; readiness is the conjunction of every
// registered check (database, NATS, consumers...), each with a short reason when it fails, so an
// operator reading /readyz knows what to fix.
import { Injectable } from '@nestjs/common';

export interface CheckResult {
  ok: boolean;
  /** Why it is not ok (or a short status when it is). */
  detail?: string;
}

export type ReadinessCheck = () => Promise<CheckResult> | CheckResult;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  /** Registers (or replaces) a named readiness check. */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  removeReadinessCheck(name: string): void {
    this.checks.delete(name);
  }

  /** Once shutting down, readiness is false so load balancers stop sending traffic. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const checks: Record<string, CheckResult> = Object.fromEntries(entries);
    if (this.shuttingDown) checks.shutdown = { ok: false, detail: 'shutting down' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, detail: `check timed out after ${CHECK_TIMEOUT_MS} ms` }),
        CHECK_TIMEOUT_MS,
      );
    });
    return await Promise.race([Promise.resolve(check()), timeout]);
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
