// Field formats shared by the billing DTOs; each message names the field ($property).
import { applyDecorators } from '@nestjs/common';
import { IsISO8601, IsString, Matches, MaxLength } from 'class-validator';

/** A USD amount as a decimal string with at most six decimals ("3.00", "0.000001"). */
export const USD_DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

export function IsUsdDecimal(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(USD_DECIMAL, {
      message: '$property must be a decimal string in USD with at most 6 decimals, e.g. "3.00"',
    }),
  );
}

/** An RFC 3339 instant with an explicit offset ("2026-12-01T00:00:00Z"). */
export function IsInstant(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' }),
    Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, {
      message: '$property must be a date-time with a time zone, e.g. "2026-12-01T00:00:00Z"',
    }),
  );
}

/** Why a change was made (audit trail). */
export function IsReason(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: '$property must not be empty' }),
    MaxLength(500),
  );
}

export const PERIOD_TEXT = /^\d{4}-\d{2}(-\d{2})?$/;
export const PERIOD_DESCRIPTION =
  'A month (2026-12: the period starting that month on the tenant’s anchor day) or a date ' +
  '(2026-12-20: the period containing it). Default: the current period.';
