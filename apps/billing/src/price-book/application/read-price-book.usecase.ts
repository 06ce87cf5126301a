import { Injectable } from '@nestjs/common';
import type { PriceVersion, RateKind } from '../domain/price-book.js';
import { PriceBookRepository } from '../persistence/price-book.repository.js';
import { PriceBookService } from './price-book.service.js';

export interface PricesAt {
  /** The price-book version read. */
  version: number;
  at: Date;
  /** The rate of every model and environment in force at `at`. */
  inForce: PriceVersion[];
  /** Schedule entries that take effect after `at`. */
  upcoming: PriceVersion[];
}

/** Everyone in a tenant may read the price book (billing:read); it is not tenant data. */
@Injectable()
export class ReadPriceBook {
  constructor(
    private readonly books: PriceBookService,
    private readonly prices: PriceBookRepository,
  ) {}

  async at(at: Date): Promise<PricesAt> {
    const book = await this.books.current();
    const inForce: PriceVersion[] = [];
    const upcoming: PriceVersion[] = [];
    for (const kind of ['model', 'gpu'] as const) {
      for (const key of book.keys(kind)) {
        const rate = book.rateAt(kind, key, at);
        if (rate) inForce.push(rate);
        upcoming.push(...book.schedule(kind, key).filter((v) => v.effectiveFrom.getTime() > at.getTime()));
      }
    }
    return { version: book.version, at, inForce, upcoming };
  }

  async history(filter: {
    kind?: RateKind;
    key?: string;
    beforeVersion?: number;
    limit: number;
  }): Promise<PriceVersion[]> {
    return this.prices.history(filter);
  }
}
