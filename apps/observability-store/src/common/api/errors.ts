// HTTP errors that name the field at fault, in the shape Nest's ValidationPipe uses
// ({ statusCode, error, message }) plus `field`.
import { BadRequestException, NotFoundException } from '@nestjs/common';

function body(statusCode: number, error: string, field: string | undefined, message: string): object {
  return field === undefined ? { statusCode, error, message } : { statusCode, error, message, field };
}

export const invalidField = (field: string, message: string): BadRequestException =>
  new BadRequestException(body(400, 'Bad Request', field, message));

/** 404 that says what was not found and nothing else (never whose it is). */
export const notFound = (what: string, field?: string): NotFoundException =>
  new NotFoundException(body(404, 'Not Found', field, `${what} not found`));
