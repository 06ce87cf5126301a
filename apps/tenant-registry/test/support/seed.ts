// Seeds tenants and callers straight into the tables (no API round trips) and mints real access
// tokens for them, so e2e tests can act as any role of any tenant.
import { randomUUID } from 'node:crypto';
import type { BootedService } from '@auraison/app-testing';
import type { Role } from '@auraison/auth';
import { DataSource } from 'typeorm';
import { TokenIssuer } from '../../src/auth/application/token-issuer.service.js';

export interface SeededTenant {
  id: string;
  slug: string;
  namespace: string;
}

export interface Actor {
  /** User or service account id (the token subject). */
  id: string;
  tenantId: string;
  role: Role;
  token: string;
  /** `Authorization: Bearer <token>` */
  auth: { Authorization: string };
}

export class Seeder {
  readonly db: DataSource;
  private readonly issuer: TokenIssuer;

  constructor(service: BootedService) {
    this.db = service.app.get(DataSource);
    this.issuer = service.app.get(TokenIssuer);
  }

  /** A tenant of its own (unique slug and namespace). */
  async tenant(options: { slug?: string; status?: 'active' | 'suspended' } = {}): Promise<SeededTenant> {
    const id = randomUUID();
    const slug = options.slug ?? `t-${id.slice(0, 8)}`;
    const namespace = `mp-${slug}`;
    await this.db.query(
      `INSERT INTO tenant_registry.tenants (id, slug, name, k8s_namespace, status, allowed_environments)
       VALUES ($1, $2, $3, $4, $5, '{torch.dev.gpu}')`,
      [id, slug, `Tenant ${slug}`, namespace, options.status ?? 'active'],
    );
    return { id, slug, namespace };
  }

  /** The platform tenant (the bootstrap one when it exists). */
  async platformTenant(): Promise<SeededTenant> {
    const rows = await this.db.query<Array<{ id: string; slug: string; k8s_namespace: string }>>(
      `SELECT id, slug, k8s_namespace FROM tenant_registry.tenants WHERE is_platform`,
    );
    if (rows[0]) return { id: rows[0].id, slug: rows[0].slug, namespace: rows[0].k8s_namespace };
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO tenant_registry.tenants (id, slug, name, k8s_namespace, is_platform)
       VALUES ($1, 'platform', 'Platform', 'mp-platform', true)`,
      [id],
    );
    return { id, slug: 'platform', namespace: 'mp-platform' };
  }

  /** A caller of `role` in the tenant: a user with a membership, or (role `service`) a service account. */
  async actor(tenantId: string, role: Role): Promise<Actor> {
    const id = randomUUID();
    if (role === 'service') {
      await this.db.query(
        `INSERT INTO tenant_registry.service_accounts (id, tenant_id, name, role) VALUES ($1, $2, $3, 'service')`,
        [id, tenantId, `sa-${id.slice(0, 8)}`],
      );
    } else {
      await this.db.query(`INSERT INTO tenant_registry.users (id, email, display_name) VALUES ($1, $2, $3)`, [
        id,
        `${role.replace('_', '-')}-${id.slice(0, 8)}@example.com`,
        `${role} ${id.slice(0, 8)}`,
      ]);
      await this.db.query(
        `INSERT INTO tenant_registry.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`,
        [tenantId, id, role],
      );
    }
    return this.tokenFor({
      id,
      tenantId,
      role,
      subjectType: role === 'service' ? 'service_account' : 'user',
    });
  }

  /** A platform admin (a new user in the platform tenant). */
  async platformAdmin(): Promise<Actor> {
    return this.actor((await this.platformTenant()).id, 'platform_admin');
  }

  async tokenFor(subject: {
    id: string;
    tenantId: string;
    role: Role;
    subjectType: 'user' | 'service_account';
  }): Promise<Actor> {
    const { accessToken } = await this.issuer.issue({
      subject: subject.id,
      subjectType: subject.subjectType,
      tenantId: subject.tenantId,
      roles: [subject.role],
    });
    return {
      id: subject.id,
      tenantId: subject.tenantId,
      role: subject.role,
      token: accessToken,
      auth: { Authorization: `Bearer ${accessToken}` },
    };
  }
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
