// What every replica keeps in memory so that GetToolScope and GetAgentConfig answer without touching
// the database: the role defaults, each tenant's overrides, lockdowns, open gates and experiments, and
// the scopes resolved from them.
//
// Consistency across replicas (a lockdown must hold everywhere within one second):
// - every change commits together with `policy.state.generation = generation + 1`;
// - after COMMIT the writer drops its own caches and broadcasts on core NATS
//   (`mp.policy.invalidations`); every replica drops its caches when it hears it;
// - as a fallback for a lost broadcast, every replica reads the generation every MP_POLICY_POLL_MS
//   (250 ms) and drops its caches when it moved.
// A load that was running while the caches were dropped is not kept (epochs), and a caller that
// awaited such a load reads again, so no answer given after an invalidation carries older state.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TenantScope } from '@auraison/auth';
import type { EnvironmentName } from '@auraison/contracts';
import { NATS_CONNECTION, Namespace } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Clock } from '../../common/application/clock.js';
import { TransactionRunner, type Tx } from '@auraison/api-kit';
import { POLICY_ENGINE_OPTIONS, type PolicyEngineOptions } from '../../common/application/options.js';
import type { Experiment } from '../../experiments/persistence/experiment.repository.js';
import { ExperimentRepository } from '../../experiments/persistence/experiment.repository.js';
import { GateRepository } from '../../gates/persistence/gate.repository.js';
import { LockdownRepository } from '../../lockdown/persistence/lockdown.repository.js';
import { PolicyMetrics } from '../../metrics/policy-metrics.js';
import {
  effectivePolicy,
  type EffectivePolicy,
  type RoleDefaults,
  type RoleOverride,
} from '../../scopes/domain/role-policy.js';
import {
  ActuationTools,
  resolveToolScope,
  type GateState,
  type LockdownState,
  type ResolvedScope,
} from '../../scopes/domain/tool-scope.js';
import { RolePolicyRepository, type PolicyVersion } from '../../scopes/persistence/role-policy.repository.js';

/** Core NATS subject of the invalidation broadcast (namespaced like every subject). */
export const POLICY_INVALIDATIONS_SUBJECT = 'mp.policy.invalidations';

interface GlobalSnapshot {
  defaults: Map<string, PolicyVersion<RoleDefaults>>;
  lockdownVersion?: number;
  experiments: Map<string, Experiment>;
}

interface TenantSnapshot {
  overrides: Map<string, PolicyVersion<RoleOverride>>;
  lockdownVersion?: number;
  gates: GateState[];
  experiments: Map<string, Experiment>;
}

export interface ResolvedRole {
  policy: EffectivePolicy;
  scope: ResolvedScope;
}

const MAX_TENANTS_CACHED = 20_000;
const MAX_SCOPES_CACHED = 100_000;

@Injectable()
export class PolicyState implements OnApplicationBootstrap, OnApplicationShutdown {
  private epoch = 0;
  private generation: number | undefined;
  private global: Promise<GlobalSnapshot> | undefined;
  private readonly tenants = new Map<string, Promise<TenantSnapshot>>();
  private readonly scopes = new Map<string, ResolvedRole>();
  private readonly actuation: ActuationTools;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly policies: RolePolicyRepository,
    private readonly lockdowns: LockdownRepository,
    private readonly gates: GateRepository,
    private readonly experiments: ExperimentRepository,
    private readonly clock: Clock,
    private readonly metrics: PolicyMetrics,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly ns: Namespace,
    @Inject(POLICY_ENGINE_OPTIONS) private readonly options: PolicyEngineOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.actuation = new ActuationTools(options.actuationTools);
  }

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(this.ns.subject(POLICY_INVALIDATIONS_SUBJECT), {
      callback: (err) => {
        if (!err) this.invalidate('broadcast');
      },
    });
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /** Drops every cached snapshot and scope. */
  invalidate(source: 'local' | 'broadcast' | 'poll'): void {
    this.epoch++;
    this.global = undefined;
    this.tenants.clear();
    this.scopes.clear();
    this.metrics.invalidations.inc({ source });
  }

  /**
   * Call inside every transaction that changes policy: bumps the generation with it, and after COMMIT
   * drops this replica's caches and tells the others.
   */
  async changed(tx: Tx): Promise<void> {
    await tx.query(`UPDATE policy.state SET generation = generation + 1`);
    tx.afterCommit(() => {
      this.invalidate('local');
      try {
        this.nc.publish(this.ns.subject(POLICY_INVALIDATIONS_SUBJECT));
      } catch (err) {
        // The poll catches up within MP_POLICY_POLL_MS.
        this.logger.warn({ err: (err as Error).message }, 'policy invalidation broadcast failed');
      }
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const [row] = await this.transactions.queryable.query<Array<{ generation: string }>>(
        `SELECT generation FROM policy.state`,
      );
      const generation = Number(row?.generation ?? 0);
      if (this.generation !== undefined && generation !== this.generation) this.invalidate('poll');
      this.generation = generation;
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'policy generation poll failed');
    } finally {
      this.polling = false;
    }
  }

  /** Roles that have a default policy. */
  async roles(): Promise<string[]> {
    return [...(await this.globalSnapshot()).defaults.keys()].sort();
  }

  /**
   * The effective policy and tool scope of a role for a tenant, acting on `environment`; undefined
   * when the role has no default policy.
   */
  async resolve(
    tenantId: string,
    agentRole: string,
    environment?: EnvironmentName,
  ): Promise<ResolvedRole | undefined> {
    const key = `${tenantId}|${agentRole}|${environment ?? ''}`;
    const now = this.clock.now();
    const hit = this.scopes.get(key);
    if (hit && (!hit.scope.validUntil || hit.scope.validUntil > now)) return hit;
    for (;;) {
      const epoch = this.epoch;
      const [global, tenant] = await Promise.all([this.globalSnapshot(), this.tenantSnapshot(tenantId)]);
      const defaults = global.defaults.get(agentRole);
      if (!defaults?.document) return undefined;
      const override = tenant.overrides.get(agentRole);
      const policy = effectivePolicy(
        agentRole,
        { doc: defaults.document, version: defaults.version },
        override?.document ? { doc: override.document, version: override.version } : undefined,
      );
      const lockdown: LockdownState = {
        ...(global.lockdownVersion ? { globalVersion: global.lockdownVersion } : {}),
        ...(tenant.lockdownVersion ? { tenantVersion: tenant.lockdownVersion } : {}),
      };
      const scope = resolveToolScope({
        policy,
        lockdown,
        gates: tenant.gates,
        ...(environment ? { environment } : {}),
        actuation: this.actuation,
        now,
      });
      if (epoch !== this.epoch) continue;
      const resolved = { policy, scope };
      if (this.scopes.size >= MAX_SCOPES_CACHED) this.scopes.clear();
      this.scopes.set(key, resolved);
      return resolved;
    }
  }

  /** The lockdowns in force for a tenant (global and its own). */
  async lockdown(tenantId: string): Promise<LockdownState> {
    for (;;) {
      const epoch = this.epoch;
      const [global, tenant] = await Promise.all([this.globalSnapshot(), this.tenantSnapshot(tenantId)]);
      if (epoch !== this.epoch) continue;
      return {
        ...(global.lockdownVersion ? { globalVersion: global.lockdownVersion } : {}),
        ...(tenant.lockdownVersion ? { tenantVersion: tenant.lockdownVersion } : {}),
      };
    }
  }

  /** The experiment a role runs for a tenant: the tenant's own, else the platform-wide one. */
  async experiment(tenantId: string, agentRole: string): Promise<Experiment | undefined> {
    for (;;) {
      const epoch = this.epoch;
      const [global, tenant] = await Promise.all([this.globalSnapshot(), this.tenantSnapshot(tenantId)]);
      if (epoch !== this.epoch) continue;
      return tenant.experiments.get(agentRole) ?? global.experiments.get(agentRole);
    }
  }

  private async globalSnapshot(): Promise<GlobalSnapshot> {
    for (;;) {
      const epoch = this.epoch;
      if (!this.global) {
        const loading = this.loadGlobal();
        this.global = loading;
        void loading.catch(() => {
          if (this.global === loading) this.global = undefined;
        });
      }
      const snapshot = await this.global;
      if (epoch === this.epoch) return snapshot;
    }
  }

  private async tenantSnapshot(tenantId: string): Promise<TenantSnapshot> {
    for (;;) {
      const epoch = this.epoch;
      let loading = this.tenants.get(tenantId);
      if (!loading) {
        if (this.tenants.size >= MAX_TENANTS_CACHED) this.tenants.clear();
        const created = this.loadTenant(tenantId);
        loading = created;
        this.tenants.set(tenantId, created);
        void created.catch(() => {
          if (this.tenants.get(tenantId) === created) this.tenants.delete(tenantId);
        });
      }
      const snapshot = await loading;
      if (epoch === this.epoch) return snapshot;
    }
  }

  private async loadGlobal(): Promise<GlobalSnapshot> {
    const [defaults, lockdown, experiments] = await Promise.all([
      this.policies.currentDefaults(),
      this.lockdowns.global(),
      this.experiments.activePlatformWide(),
    ]);
    return {
      defaults: new Map(defaults.map((d) => [d.agentRole, d])),
      ...(lockdown ? { lockdownVersion: lockdown.version } : {}),
      experiments: new Map(experiments.map((e) => [e.agentRole, e])),
    };
  }

  private async loadTenant(tenantId: string): Promise<TenantSnapshot> {
    const scope = TenantScope.system(tenantId);
    const [overrides, lockdown, gates, experiments] = await Promise.all([
      this.policies.currentOverrides(scope),
      this.lockdowns.forTenant(scope),
      this.gates.open(scope, this.clock.now()),
      this.experiments.activeForTenant(scope),
    ]);
    return {
      overrides: new Map(overrides.map((o) => [o.agentRole, o])),
      ...(lockdown ? { lockdownVersion: lockdown.version } : {}),
      gates: gates.map((g) => ({ environment: g.environment, version: g.version, expiresAt: g.expiresAt })),
      experiments: new Map(experiments.map((e) => [e.agentRole, e])),
    };
  }
}
