import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { PricesController } from './api/prices.controller.js';
import { ChangePrices } from './application/change-prices.usecase.js';
import { PlaceholderRatesCheck } from './application/placeholder-rates.check.js';
import { PriceBookChanges } from './application/price-book-changes.js';
import { PriceBookService } from './application/price-book.service.js';
import { ReadPriceBook } from './application/read-price-book.usecase.js';
import { PriceBookRepository } from './persistence/price-book.repository.js';

/** The versioned price book: rates per model token class and per environment GPU-hour. */
@Module({
  controllers: [PricesController],
  providers: [
    TransactionRunner,
    PriceBookRepository,
    PriceBookService,
    PriceBookChanges,
    ChangePrices,
    ReadPriceBook,
    PlaceholderRatesCheck,
  ],
  exports: [PriceBookRepository, PriceBookService, PriceBookChanges],
})
export class PriceBookModule {}
