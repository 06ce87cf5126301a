// POST /api/v1/auth/token: an API key becomes a short-lived access token. Failed attempts are counted
// per key prefix and per client address and refused with 429 beyond the limit. An unknown key and a
// wrong secret answer the same, so the endpoint is no oracle for which prefixes exist.
import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { parseApiKey, secretMatches } from '../domain/api-key.js';
import {
  FAILURE_WINDOW_MS,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_PREFIX,
  retryAfterSeconds,
  windowStart,
} from '../domain/rate-limit.js';
import { ApiKeyCredentialsRepository } from '../persistence/api-key-credentials.repository.js';
import { AuthFailureRepository } from '../persistence/auth-failure.repository.js';
import { TokenIssuer, type IssuedToken } from './token-issuer.service.js';

export interface ExchangedToken extends IssuedToken {
  tenantId: string;
  roles: string[];
}

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfter: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many failed attempts; retry after ${retryAfter} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

@Injectable()
export class ExchangeApiKey {
  constructor(
    private readonly credentials: ApiKeyCredentialsRepository,
    private readonly failures: AuthFailureRepository,
    private readonly tokens: TokenIssuer,
  ) {}

  async execute(apiKey: string, clientAddress: string, now = Date.now()): Promise<ExchangedToken> {
    const parsed = parseApiKey(apiKey);
    const window = windowStart(now);
    const prefixBucket = parsed ? [`prefix:${parsed.prefix}`] : [];
    const addressBucket = [`ip:${clientAddress}`];
    const counts = await this.failures.counts([...prefixBucket, ...addressBucket], window);
    const byPrefix = prefixBucket[0] ? (counts.get(prefixBucket[0]) ?? 0) : 0;
    const byAddress = counts.get(addressBucket[0]!) ?? 0;
    if (byPrefix >= MAX_FAILURES_PER_PREFIX || byAddress >= MAX_FAILURES_PER_ADDRESS)
      throw new TooManyAttemptsException(retryAfterSeconds(now));

    const fail = async (message: string): Promise<never> => {
      await this.failures.record([...prefixBucket, ...addressBucket], window);
      // Old windows are worthless; sweep them now and then rather than on a schedule.
      if (Math.random() < 0.05) await this.failures.deleteBefore(new Date(now - 12 * FAILURE_WINDOW_MS));
      throw new UnauthorizedException(message);
    };

    if (!parsed) return fail('invalid API key: expected mpk_<prefix>_<secret>');
    const key = await this.credentials.findByPrefix(parsed.prefix);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return fail('invalid API key');
    // The caller holds the real secret from here on, so precise reasons are safe to give.
    if (key.revokedAt) return fail('API key revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= now) return fail('API key expired');
    if (!key.tenantActive) return fail('tenant suspended');
    if (key.roles.length === 0) return fail('API key owner no longer has a role in the tenant');

    const issued = await this.tokens.issue({
      subject: key.subject,
      subjectType: key.subjectType,
      tenantId: key.tenantId,
      roles: key.roles,
      platform: key.tenantIsPlatform,
    });
    await this.credentials.touch(key.id);
    return { ...issued, tenantId: key.tenantId, roles: key.roles };
  }
}
