import { Injectable } from '@nestjs/common';

/** The time, injectable so expiry and windows can be tested. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
