import { describe, expect, it } from '@jest/globals';
import { errors, RequestError } from '@nats-io/transport-node';
import { errorMessage, isRetryablePublishError, isTransientError } from './errors.js';

describe('isTransientError', () => {
  it('should call network and PostgreSQL availability errors transient', () => {
    expect(isTransientError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isTransientError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isTransientError(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('too many connections'), { code: '53300' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError({ message: 'query failed', driverError: { code: 'ECONNRESET' } })).toBe(true);
    expect(
      isTransientError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) })),
    ).toBe(true);
    expect(
      isTransientError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])),
    ).toBe(true);
  });

  it('should call data and programming errors permanent', () => {
    expect(isTransientError(new Error('no price for model'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientError(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
    expect(isTransientError('boom')).toBe(false);
  });
});

describe('isRetryablePublishError', () => {
  it('should retry timeouts, no responders and connection errors but not a closed connection', () => {
    expect(isRetryablePublishError(new errors.TimeoutError())).toBe(true);
    expect(isRetryablePublishError(new errors.ConnectionError('down'))).toBe(true);
    expect(
      isRetryablePublishError(
        new RequestError('no responders', { cause: new errors.NoRespondersError('x') }),
      ),
    ).toBe(true);
    expect(
      isRetryablePublishError(
        Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }),
      ),
    ).toBe(true);
    expect(isRetryablePublishError(new errors.ClosedConnectionError())).toBe(false);
    expect(isRetryablePublishError(new Error('message size exceeds maximum allowed'))).toBe(false);
  });
});

describe('errorMessage', () => {
  it('should put a multi-line error on one line', () => {
    expect(errorMessage(new Error('a\nb\r\nc'))).toBe('a b c');
    expect(errorMessage('plain')).toBe('plain');
  });
});
