import { Injectable } from '@nestjs/common';
import { isPlatformAdmin, type TenantScope } from '@auraison/auth';
import type { Page, PageRequest } from '../../common/domain/page.js';
import { notFound } from '../../common/api/errors.js';
import {
  EvalSummaryRepository,
  type EvalSummaryFilter,
  type StoredEvalSummary,
} from '../persistence/eval-summary.repository.js';

@Injectable()
export class ReadEvalSummaries {
  constructor(private readonly summaries: EvalSummaryRepository) {}

  /** The tenant's summaries; platform-wide ones (no tenant) for platform admins only. */
  async list(
    scope: TenantScope,
    platformWide: boolean,
    filter: EvalSummaryFilter,
    page: PageRequest,
  ): Promise<Page<StoredEvalSummary>> {
    if (platformWide && !isPlatformAdmin(scope.principal)) throw notFound('evaluations');
    return this.summaries.list(scope, platformWide, filter, page);
  }
}
