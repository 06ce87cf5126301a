import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, PlatformScope, TenantScope, type Principal } from '@auraison/auth';
import { notFound, type Page, type PageRequest } from '@auraison/api-kit';
import type { Tenant } from '../domain/tenant.js';
import { TenantRepository } from '../persistence/tenant.repository.js';

/** GET /tenants and /tenants/:id: platform admins see every tenant, everyone else their own. */
@Injectable()
export class ReadTenants {
  constructor(private readonly tenants: TenantRepository) {}

  async list(principal: Principal, page: PageRequest): Promise<Page<Tenant>> {
    return isPlatformAdmin(principal)
      ? this.tenants.listAll(PlatformScope.of(principal), page)
      : this.tenants.listOwn(TenantScope.of(principal), page);
  }

  async get(principal: Principal, tenantId: string): Promise<Tenant> {
    const tenant = await this.tenants.get(TenantScope.of(principal, tenantId));
    if (!tenant) throw notFound('tenant');
    return tenant;
  }

  /** 404 unless the tenant exists and the caller may see it (for sub-resource routes). */
  async requireVisible(principal: Principal, tenantId: string): Promise<TenantScope> {
    const scope = TenantScope.of(principal, tenantId);
    if (!(await this.tenants.get(scope))) throw notFound('tenant');
    return scope;
  }
}
