// Environment names as the control plane writes them (`torch.dev.gpu`) to the enum of the contracts.
import { Environment, environmentFromName } from '@auraison/contracts';

export { Environment };

/** ENVIRONMENT_TORCH_DEV_GPU for `torch.dev.gpu`; throws, listing the known names, for anything else. */
export function environmentForName(name: string): Environment {
  const env = environmentFromName(name);
  if (env === undefined)
    throw new Error(`unknown environment ${JSON.stringify(name)} (known: torch.dev.gpu, ros.dev.gpu)`);
  return env;
}
