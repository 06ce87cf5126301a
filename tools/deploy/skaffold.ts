// skaffold.yaml: `platform` first (namespace, namespace-wide network policies and, in dev, NATS and
// PostgreSQL), then one config (module) per app with its artifact. An app module requires nothing:
// `skaffold run -m billing` builds and deploys billing alone into a namespace the platform module has
// prepared, and `skaffold delete -m billing` removes billing alone (a `requires: [platform]` would make
// it delete the namespace, and with it the whole plane).
import { ENVIRONMENT, ENVIRONMENTS, imageOf, type DeployedApp, type Environment } from './spec.js';

export const SKAFFOLD_API_VERSION = 'skaffold/v4beta14';
export const PLATFORM_MODULE = 'platform';
export const MIGRATION_SCRIPT = 'deploy/scripts/migration-job.sh';

export const overlayPath = (env: Environment, module: string): string =>
  `deploy/k8s/overlays/${env}/${module}`;

export interface SkaffoldConfig {
  apiVersion: string;
  kind: 'Config';
  metadata: { name: string };
  build?: {
    artifacts: Array<{
      image: string;
      context: string;
      docker: { dockerfile: string; buildArgs: Record<string, string> };
    }>;
    local: { useBuildkit: boolean };
  };
  manifests: { kustomize: { paths: string[] } };
  deploy: Record<string, unknown>;
  profiles: Array<{ name: string; manifests: SkaffoldConfig['manifests']; deploy: Record<string, unknown> }>;
}

const hostHook = (...args: string[]) => ({
  host: { command: ['sh', MIGRATION_SCRIPT, ...args], os: ['darwin', 'linux'] },
});

function appDeploy(app: DeployedApp, env: Environment): Record<string, unknown> {
  const ns = ENVIRONMENT[env].namespace;
  const kubectl =
    app.migrates === false
      ? {}
      : {
          hooks: {
            // Jobs are immutable: the previous run makes way for the one with the new image.
            before: [hostHook('prepare', ns, app.name)],
            // Fails the deploy, with the Job's logs, when the migration fails.
            after: [hostHook('wait', ns, app.name)],
          },
        };
  return { kubectl, statusCheckDeadlineSeconds: 600, tolerateFailuresUntilDeadline: true };
}

function platformDeploy(): Record<string, unknown> {
  return { kubectl: {}, statusCheckDeadlineSeconds: 300 };
}

function withProfiles(
  module: string,
  deployOf: (env: Environment) => Record<string, unknown>,
): Pick<SkaffoldConfig, 'manifests' | 'deploy' | 'profiles'> {
  const manifests = (env: Environment) => ({ kustomize: { paths: [overlayPath(env, module)] } });
  return {
    // Without a profile: dev.
    manifests: manifests('dev'),
    deploy: deployOf('dev'),
    profiles: ENVIRONMENTS.map((env) => ({ name: env, manifests: manifests(env), deploy: deployOf(env) })),
  };
}

export function skaffoldConfigs(apps: readonly DeployedApp[]): SkaffoldConfig[] {
  const platform: SkaffoldConfig = {
    apiVersion: SKAFFOLD_API_VERSION,
    kind: 'Config',
    metadata: { name: PLATFORM_MODULE },
    ...withProfiles(PLATFORM_MODULE, platformDeploy),
  };
  const modules = apps.map((app): SkaffoldConfig => ({
    apiVersion: SKAFFOLD_API_VERSION,
    kind: 'Config',
    metadata: { name: app.name },
    build: {
      artifacts: [
        {
          image: imageOf(app.name),
          context: '.',
          docker: { dockerfile: 'Dockerfile', buildArgs: { APP: app.name } },
        },
      ],
      // BuildKit: the Dockerfile's npm cache mounts.
      local: { useBuildkit: true },
    },
    ...withProfiles(app.name, (env) => appDeploy(app, env)),
  }));
  return [platform, ...modules];
}
