// Small helpers for HTTP DTOs.
import {
  ALL_ENVIRONMENT_NAMES,
  environmentFromName,
  Environment,
  type EnvironmentName,
} from '@auraison/contracts';

export const ENVIRONMENTS = ALL_ENVIRONMENT_NAMES;

export function environmentEnum(name: EnvironmentName | undefined): Environment {
  return name
    ? (environmentFromName(name) ?? Environment.ENVIRONMENT_UNSPECIFIED)
    : Environment.ENVIRONMENT_UNSPECIFIED;
}

export const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
