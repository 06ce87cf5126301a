import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { ChainRepository, type ChainHead } from '../persistence/chain.repository.js';

@Injectable()
export class ReadChainHead {
  constructor(private readonly chain: ChainRepository) {}

  async execute(scope: TenantScope): Promise<ChainHead | undefined> {
    return this.chain.head(scope);
  }
}
