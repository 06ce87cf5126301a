// Tells whoever listens (the unpriced-usage job) that a price change committed in this process.
import { Injectable } from '@nestjs/common';

@Injectable()
export class PriceBookChanges {
  private readonly listeners: Array<() => void> = [];

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
