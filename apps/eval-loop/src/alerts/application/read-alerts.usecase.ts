// The firing alerts of a tenant (GET /api/v1/eval/alerts). Alerts of platform-wide rules show to
// platform-wide callers only, like the rules themselves.
import { Injectable } from '@nestjs/common';
import type { Page, PageRequest } from '@auraison/api-kit';
import { isPlatformWide, TenantScope, type Principal } from '@auraison/auth';
import { AlertStateRepository, type FiringAlert } from '../persistence/alert-state.repository.js';

@Injectable()
export class ReadAlerts {
  constructor(private readonly states: AlertStateRepository) {}

  async firing(p: Principal, tenantId: string | undefined, page: PageRequest): Promise<Page<FiringAlert>> {
    return this.states.firing(TenantScope.of(p, tenantId), page, isPlatformWide(p));
  }
}
