// The environment names used in APIs and configuration (`torch.dev.gpu`) and their enum values.
import { Environment } from './gen/auraison/mp/v1/common.js';

export const ENVIRONMENT_NAMES = {
  [Environment.ENVIRONMENT_TORCH_DEV_GPU]: 'torch.dev.gpu',
  [Environment.ENVIRONMENT_ROS_DEV_GPU]: 'ros.dev.gpu',
} as const;

export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[keyof typeof ENVIRONMENT_NAMES];

export const ALL_ENVIRONMENT_NAMES: readonly EnvironmentName[] = Object.values(ENVIRONMENT_NAMES);

/** `torch.dev.gpu` for ENVIRONMENT_TORCH_DEV_GPU; undefined for UNSPECIFIED or unknown values. */
export function environmentName(env: Environment): EnvironmentName | undefined {
  return (ENVIRONMENT_NAMES as Record<number, EnvironmentName>)[env];
}

/** ENVIRONMENT_TORCH_DEV_GPU for `torch.dev.gpu`; undefined for an unknown name. */
export function environmentFromName(name: string): Environment | undefined {
  for (const [value, n] of Object.entries(ENVIRONMENT_NAMES)) if (n === name) return Number(value);
  return undefined;
}
