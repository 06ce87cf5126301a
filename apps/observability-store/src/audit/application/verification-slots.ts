// A verification reads a tenant's whole history: at most a few at a time per replica (OWASP API4,
// unrestricted resource consumption); more answer 429.
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';

export const MAX_CONCURRENT_VERIFICATIONS = 2;

@Injectable()
export class VerificationSlots {
  private running = 0;

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_CONCURRENT_VERIFICATIONS)
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `${MAX_CONCURRENT_VERIFICATIONS} chain verifications are already running here; try again later`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
    }
  }
}
