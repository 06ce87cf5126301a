import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal, Role, TenantScope } from '@auraison/auth';
import { LOGGER, type Logger } from '@auraison/observability';
import { displayPrefix, generateApiKey } from '../../auth/domain/api-key.js';
import {
  conflictField,
  forbiddenField,
  invalidField,
  notFound,
  type Page,
  type PageRequest,
} from '@auraison/api-kit';
import { ServiceAccountRepository } from '../../service-accounts/persistence/service-account.repository.js';
import { ReadTenants } from '../../tenants/application/read-tenants.usecase.js';
import { MembershipRepository } from '../../users/persistence/membership.repository.js';
import {
  expiryProblem,
  keyManagementProblem,
  ownerField,
  type ApiKeyOwner,
  type ApiKeyRecord,
} from '../domain/api-key-record.js';
import { ApiKeyRepository } from '../persistence/api-key.repository.js';

export interface CreateApiKeyCommand {
  name: string;
  /** Undefined: the caller's own key. */
  owner?: ApiKeyOwner;
  expiresAt?: Date;
}

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** The whole key: returned once, to the creator, and never stored or logged. */
  token: string;
}

/** API keys of a tenant: create (the secret is shown once), list, revoke. */
@Injectable()
export class ManageApiKeys {
  constructor(
    private readonly tenants: ReadTenants,
    private readonly keys: ApiKeyRepository,
    private readonly members: MembershipRepository,
    private readonly accounts: ServiceAccountRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(principal: Principal, tenantId: string, command: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const scope = await this.tenants.requireVisible(principal, tenantId);
    const owner = command.owner ?? this.callerAsOwner(principal, scope);
    const problem = keyManagementProblem(principal, owner, await this.ownerRole(scope, owner, true));
    if (problem) throw forbiddenField(ownerField(owner), problem);
    const expiry = expiryProblem(command.expiresAt, new Date());
    if (expiry) throw invalidField('expires_at', expiry);
    const generated = generateApiKey();
    const record = await this.keys.insert(scope, {
      id: randomUUID(),
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      name: command.name,
      owner,
      createdBy: principal.subject,
      ...(command.expiresAt ? { expiresAt: command.expiresAt } : {}),
    });
    this.logger.info(
      {
        tenant_id: scope.tenantId,
        key_id: record.id,
        key_prefix: displayPrefix(record.prefix),
        actor_id: principal.subject,
      },
      'api key created',
    );
    return { record, token: generated.token };
  }

  async list(
    principal: Principal,
    tenantId: string,
    page: PageRequest,
    owner?: ApiKeyOwner,
  ): Promise<Page<ApiKeyRecord>> {
    const scope = await this.tenants.requireVisible(principal, tenantId);
    // A filter naming another tenant's user or account answers 404, like any foreign id.
    if (owner) await this.ownerRole(scope, owner, false);
    return this.keys.list(scope, page, owner);
  }

  async revoke(principal: Principal, tenantId: string, keyId: string): Promise<void> {
    const scope = await this.tenants.requireVisible(principal, tenantId);
    const key = await this.keys.get(scope, keyId);
    if (!key) throw notFound('api key');
    const role = await this.ownerRoleOrUndefined(scope, key.owner);
    // The owner left the tenant: only key managers (api-keys:write) may still revoke the key.
    const problem = keyManagementProblem(principal, key.owner, role ?? 'viewer');
    if (problem) throw forbiddenField(undefined, problem);
    await this.keys.revoke(scope, keyId);
    this.logger.info(
      {
        tenant_id: scope.tenantId,
        key_id: key.id,
        key_prefix: displayPrefix(key.prefix),
        actor_id: principal.subject,
      },
      'api key revoked',
    );
  }

  private callerAsOwner(principal: Principal, scope: TenantScope): ApiKeyOwner {
    if (principal.tenantId !== scope.tenantId)
      throw invalidField('user_id', 'user_id or service_account_id is required outside your own tenant');
    return principal.subjectType === 'user'
      ? { kind: 'user', userId: principal.subject }
      : { kind: 'service_account', serviceAccountId: principal.subject };
  }

  private async ownerRole(scope: TenantScope, owner: ApiKeyOwner, forNewKey: boolean): Promise<Role> {
    if (owner.kind === 'user') {
      const member = await this.members.get(scope, owner.userId);
      if (!member) throw notFound('user', 'user_id');
      return member.role;
    }
    const account = await this.accounts.get(scope, owner.serviceAccountId);
    if (!account) throw notFound('service account', 'service_account_id');
    if (forNewKey && account.disabledAt)
      throw conflictField('service_account_id', 'the service account is disabled');
    return account.role;
  }

  private async ownerRoleOrUndefined(scope: TenantScope, owner: ApiKeyOwner): Promise<Role | undefined> {
    if (owner.kind === 'user') return (await this.members.get(scope, owner.userId))?.role;
    return (await this.accounts.get(scope, owner.serviceAccountId))?.role;
  }
}
