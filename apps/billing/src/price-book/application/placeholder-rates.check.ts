// Says, once at start-up, when a GPU rate in force is still the seed's placeholder: GPU costs are
// meaningless until an operator sets the real rates.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '@auraison/observability';
import { SEED_AUTHOR } from '../seed/price-book.seed.js';
import { PriceBookService } from './price-book.service.js';

@Injectable()
export class PlaceholderRatesCheck implements OnApplicationBootstrap {
  constructor(
    private readonly books: PriceBookService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const book = await this.books.current();
      const now = new Date();
      const placeholders = book
        .keys('gpu')
        .filter((env) => book.gpuRateAt(env, now)?.createdBy === SEED_AUTHOR);
      if (placeholders.length > 0)
        this.logger.warn(
          { environments: placeholders },
          'GPU rates in force are the seed placeholders: set the real ones with PUT /api/v1/billing/prices/gpus/:environment',
        );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not read the price book at start-up');
    }
  }
}
