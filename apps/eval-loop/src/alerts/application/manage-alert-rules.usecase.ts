// Alert rules: a tenant's own (tenant admins and operators, `alerts:write`), and platform-wide rules
// that watch every tenant (platform admins only). Rules are validated as a whole (each problem named
// by its field); webhook secrets are write-only. Changing how a rule judges, or deleting it, resolves
// the alerts it has firing, so nothing is left firing that no rule will ever resolve.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  forbiddenField,
  invalidField,
  notFound,
  TransactionRunner,
  type Page,
  type PageRequest,
} from '@auraison/api-kit';
import { isPlatformAdmin, isPlatformWide, TenantScope, type Principal } from '@auraison/auth';
import { TenantProjection } from '@auraison/tenancy';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { ruleProblems } from '../domain/alert-rules.js';
import { webhookUrlProblem } from '../domain/webhook-destination.js';
import {
  AlertRuleRepository,
  type AlertRuleInput,
  type StoredAlertRule,
} from '../persistence/alert-rule.repository.js';
import { AlertEvaluator } from './alert-evaluator.service.js';

export interface CreateAlertRuleCommand {
  tenantId?: string;
  /** A platform-wide rule (watches every tenant). */
  platform: boolean;
  input: AlertRuleInput;
}

// The fields that decide when a rule fires; changing any of them restarts its alerts.
const JUDGING: ReadonlyArray<keyof AlertRuleInput> = [
  'metric',
  'direction',
  'threshold',
  'clearThreshold',
  'minSampleSize',
  'windowHours',
];

@Injectable()
export class ManageAlertRules {
  constructor(
    private readonly rules: AlertRuleRepository,
    private readonly evaluator: AlertEvaluator,
    private readonly tenants: TenantProjection,
    private readonly transactions: TransactionRunner,
    @Inject(EVAL_OPTIONS) private readonly options: EvalOptions,
  ) {}

  async create(p: Principal, command: CreateAlertRuleCommand): Promise<StoredAlertRule> {
    if (command.platform && !isPlatformAdmin(p))
      throw forbiddenField('platform', 'only platform admins may create platform-wide rules');
    if (command.platform && command.tenantId)
      throw invalidField(
        'tenant_id',
        'a platform-wide rule belongs to no tenant: give tenant_id or platform, not both',
      );
    const scope = TenantScope.of(p, command.tenantId);
    if (!command.platform && !(await this.tenants.get(scope.tenantId)))
      throw notFound('tenant', command.tenantId ? 'tenant_id' : undefined);
    this.validate(command.input, false);
    const id = randomUUID();
    await this.rules.create(id, command.platform ? null : scope.tenantId, command.input, p.subject);
    return (await this.rules.get(scope, id, command.platform))!;
  }

  async list(p: Principal, tenantId: string | undefined, page: PageRequest): Promise<Page<StoredAlertRule>> {
    return this.rules.list(TenantScope.of(p, tenantId), page, isPlatformWide(p));
  }

  async get(p: Principal, tenantId: string | undefined, id: string): Promise<StoredAlertRule> {
    const rule = await this.rules.get(TenantScope.of(p, tenantId), id, isPlatformWide(p));
    if (!rule) throw notFound('alert rule', 'rule_id');
    return rule;
  }

  /** Replaces a rule's settings (the webhook secret is kept when none is given). */
  async update(
    p: Principal,
    tenantId: string | undefined,
    id: string,
    input: AlertRuleInput,
  ): Promise<StoredAlertRule> {
    const scope = TenantScope.of(p, tenantId);
    const platform = isPlatformAdmin(p);
    return this.transactions.run(async (db) => {
      const current = await this.rules.get(scope, id, platform, db);
      if (!current) throw notFound('alert rule', 'rule_id');
      this.validate(input, current.hasWebhookSecret && input.webhookUrl !== undefined);
      await this.rules.update(scope, id, input, platform, db);
      const changed =
        JUDGING.some((k) => input[k] !== current[k as keyof StoredAlertRule]) ||
        JSON.stringify(input.scope) !== JSON.stringify(current.scope);
      if (changed)
        await this.evaluator.resolveAll(
          db,
          current,
          'the rule changed; its alerts are judged again at the next evaluation',
          current.windowHours ?? this.options.windowHours,
        );
      return (await this.rules.get(scope, id, platform, db))!;
    });
  }

  async delete(p: Principal, tenantId: string | undefined, id: string): Promise<void> {
    const scope = TenantScope.of(p, tenantId);
    const platform = isPlatformAdmin(p);
    await this.transactions.run(async (db) => {
      const current = await this.rules.get(scope, id, platform, db);
      if (!current || !(await this.rules.delete(scope, id, platform, db)))
        throw notFound('alert rule', 'rule_id');
      await this.evaluator.resolveAll(
        db,
        current,
        'the rule was deleted',
        current.windowHours ?? this.options.windowHours,
      );
    });
  }

  private validate(input: AlertRuleInput, hasStoredSecret: boolean): void {
    for (const problem of ruleProblems(input)) throw invalidField(problem.split(' ')[0]!, problem);
    if (input.webhookUrl !== undefined) {
      const problem = webhookUrlProblem(input.webhookUrl, this.options.webhookAllowPrivate);
      if (problem) throw invalidField('webhook_url', problem);
      if (!input.webhookSecret && !hasStoredSecret)
        throw invalidField(
          'webhook_secret',
          'webhook_secret is required with webhook_url (deliveries are signed with it)',
        );
    } else if (input.webhookSecret !== undefined) {
      throw invalidField('webhook_secret', 'webhook_secret needs a webhook_url');
    }
  }
}
