// Inside the registry a valid token of a suspended tenant stops working at once (other services learn
// of the suspension from the TenantEvent). Status is cached briefly: it is read on every request.
import { Injectable } from '@nestjs/common';
import { AuthError, type Principal, type PrincipalCheck } from '@auraison/auth';
import { DataSource } from 'typeorm';

const CACHE_MS = 2000;

@Injectable()
export class ActiveTenantCheck implements PrincipalCheck {
  private readonly cache = new Map<string, { active: boolean; at: number }>();

  constructor(private readonly db: DataSource) {}

  async assertActive(principal: Principal): Promise<void> {
    const now = Date.now();
    let entry = this.cache.get(principal.tenantId);
    if (!entry || now - entry.at > CACHE_MS) {
      const rows = await this.db.query<Array<{ status: string }>>(
        `SELECT status FROM tenant_registry.tenants WHERE id = $1`,
        [principal.tenantId],
      );
      entry = { active: rows[0]?.status === 'active', at: now };
      this.cache.set(principal.tenantId, entry);
    }
    if (!entry.active) throw new AuthError('unauthenticated', 'tenant suspended or deleted');
  }
}
