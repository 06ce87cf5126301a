// The price book in memory. Pricing reads the current version number inside its transaction (after
// taking the price-book lock) and asks for that version: the book is reloaded only when it changed.
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@auraison/api-kit';
import { PriceBook } from '../domain/price-book.js';
import { PriceBookRepository } from '../persistence/price-book.repository.js';

@Injectable()
export class PriceBookService {
  private cached = PriceBook.empty();
  private loading?: Promise<PriceBook>;

  constructor(private readonly prices: PriceBookRepository) {}

  /** The book at `version` (the current one, read in the caller's transaction). */
  async atVersion(version: number, db: Queryable): Promise<PriceBook> {
    if (this.cached.version === version) return this.cached;
    const book = new PriceBook(await this.prices.all(db));
    // A concurrent caller may have loaded a newer book meanwhile; keep the newest.
    if (book.version >= this.cached.version) this.cached = book;
    return book;
  }

  /** The current book, outside any pricing transaction (reads of the API). */
  async current(): Promise<PriceBook> {
    const version = await this.prices.currentVersion();
    if (this.cached.version === version) return this.cached;
    this.loading ??= (async () => {
      try {
        const book = new PriceBook(await this.prices.all());
        if (book.version >= this.cached.version) this.cached = book;
        return book;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
