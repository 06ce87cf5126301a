// HTTP form of a PolicyError: `{ statusCode, error, message, field? }` (the shape of Nest's
// validation errors), with Retry-After on 429.
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HTTP_STATUS, PolicyError } from '../domain/policy-error.js';

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

@Catch(PolicyError)
export class PolicyErrorFilter implements ExceptionFilter<PolicyError> {
  catch(error: PolicyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const statusCode = HTTP_STATUS[error.code];
    if (error.retryAfterS) void reply.header('Retry-After', String(error.retryAfterS));
    void reply.status(statusCode).send({
      statusCode,
      error: ERROR_NAMES[statusCode] ?? 'Error',
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
    });
  }
}
