// The Kubernetes manifests: generated from tools/deploy/spec.ts and fresh; every overlay and every
// skaffold module builds with kubectl kustomize; every object is valid for its kind; and they agree with
// the apps as they are (apps/*, their environment schemas, the routes they serve) and with DESIGN.md.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APPS } from '../local/apps.js';
import { readAppEnv, type AppEnvVariable } from './app-env.js';
import { staleFiles } from './generate.js';
import { validationError } from './k8s-validate.js';
import { kustomizeBuild, kustomizeTool, objectId, type K8sObject } from './kustomize.js';
import { overlayPath, PLATFORM_MODULE } from './skaffold.js';
import { RUNTIME_ENV } from './spec.js';
import {
  allContainers,
  appsOnDisk,
  envNames,
  envValue,
  find,
  isWorkload,
  podTemplate,
  quantity,
  type ContainerView,
  type PodSpecView,
} from './workloads.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENVS = ['dev', 'prod'] as const;
type Env = (typeof ENVS)[number];

const DISK_APPS = appsOnDisk(ROOT);
const appEnv = new Map<string, AppEnvVariable[]>();
const rendered = new Map<Env, K8sObject[]>();

beforeAll(async () => {
  for (const app of DISK_APPS) appEnv.set(app.name, await readAppEnv(ROOT, app.name));
  for (const env of ENVS) rendered.set(env, kustomizeBuild(ROOT, `deploy/k8s/overlays/${env}`));
});

const objectsOf = (env: Env) => rendered.get(env)!;

describe('generated manifests', () => {
  it('should be what tools/deploy/generate.ts produces from spec.ts and the apps', async () => {
    const stale = await staleFiles(ROOT);
    if (stale.length > 0)
      throw new Error(
        `stale generated files: run \`npx tsx tools/deploy/generate.ts\`\n  ${stale.join('\n  ')}`,
      );
  });

  it('should cover every app of the repository, as tools/local/apps.ts lists them', () => {
    expect(APPS.map((a) => a.name).sort()).toEqual(DISK_APPS.map((a) => a.name));
  });
});

describe('kustomize', () => {
  it('should use a kubectl whose kustomize can build these overlays', () => {
    expect(kustomizeTool().kustomizeVersion).toMatch(/^v[4-9]/);
  });

  const modules = [PLATFORM_MODULE, ...APPS.map((a) => a.name)];
  it.each(
    ENVS.flatMap((env) => [
      [`overlays/${env}`, env, undefined] as const,
      ...modules.map((m) => [`overlays/${env}/${m}`, env, m] as const),
    ]),
  )('should build %s', (_label, env, module) => {
    const objects = module === undefined ? objectsOf(env) : kustomizeBuild(ROOT, overlayPath(env, module));
    expect(objects.length).toBeGreaterThan(0);
  });

  it.each(ENVS)(
    'should render in the %s overlay exactly the union of its skaffold modules',
    (env) => {
      const union = modules.flatMap((m) => kustomizeBuild(ROOT, overlayPath(env, m)).map(objectId)).sort();
      expect(union).toEqual(objectsOf(env).map(objectId).sort());
      expect(new Set(union).size).toBe(union.length);
    },
    60_000,
  );

  it.each(ENVS)('should render only objects valid for their kind (%s)', async (env) => {
    const errors: string[] = [];
    for (const o of objectsOf(env)) {
      const error = await validationError(o);
      if (error) errors.push(error);
    }
    expect(errors).toEqual([]);
  });

  it('should catch an invalid object (the validator is not a no-op)', async () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        selector: {},
        template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 'http' }] }] } },
      },
    } as unknown as K8sObject;
    expect(await validationError(broken)).toMatch(/containerPort must be integer/);
    await expect(validationError({ ...broken, kind: 'NoSuchKind' })).rejects.toThrow(/no schema/);
  });
});

function servedRoutes(): Set<string> {
  const source = readFileSync(join(ROOT, 'libs/observability/src/observability.controller.ts'), 'utf8');
  return new Set([...source.matchAll(/@Get\('([^']*)'\)/g)].map((m) => `/${m[1]}`));
}

describe.each(ENVS)('the %s overlay', (env) => {
  const objects = () => objectsOf(env);
  const deploymentOf = (app: string) => {
    const d = find(objects(), 'Deployment', app);
    if (!d) throw new Error(`no Deployment ${app}`);
    return d;
  };
  const mainContainer = (app: string): ContainerView => {
    const c = podTemplate(deploymentOf(app)).spec.containers.find((x) => x.name === app);
    if (!c) throw new Error(`Deployment ${app} has no container named ${app}`);
    return c;
  };

  it.each(DISK_APPS.map((a) => [a.name, a.migrates] as const))(
    'should give %s a Deployment, a Service, a ServiceAccount, a PodDisruptionBudget, a NetworkPolicy and its migration Job',
    (app, migrates) => {
      const pod = podTemplate(deploymentOf(app));
      const container = mainContainer(app);
      expect(container.image).toBe(`auraison/${app}`);
      expect(container.command).toEqual(['node', `apps/${app}/dist/main.js`]);
      expect(pod.spec.serviceAccountName).toBe(app);
      expect(find(objects(), 'ServiceAccount', app)).toBeDefined();

      const service = find(objects(), 'Service', app);
      const serviceSpec = service?.spec as {
        selector: Record<string, string>;
        ports: Array<{ name: string; port: number; targetPort: string }>;
      };
      for (const [k, v] of Object.entries(serviceSpec.selector)) expect(pod.metadata?.labels?.[k]).toBe(v);
      for (const port of serviceSpec.ports) {
        const target = container.ports?.find((p) => p.name === port.targetPort);
        expect({ port: port.name, target: target?.containerPort }).toEqual({
          port: port.name,
          target: port.port,
        });
      }

      const pdb = find(objects(), 'PodDisruptionBudget', app)?.spec as {
        selector: { matchLabels: Record<string, string> };
      };
      for (const [k, v] of Object.entries(pdb.selector.matchLabels))
        expect(pod.metadata?.labels?.[k]).toBe(v);
      expect(find(objects(), 'NetworkPolicy', app)).toBeDefined();

      const job = find(objects(), 'Job', `${app}-migrate`);
      if (!migrates) {
        expect(job).toBeUndefined();
        return;
      }
      const jobContainer = podTemplate(job!).spec.containers[0]!;
      expect(jobContainer.image).toBe(`auraison/${app}`);
      expect(jobContainer.command).toEqual(['node', `apps/${app}/dist/migrate.js`]);
      expect(
        (job!.spec as { template: { spec: { restartPolicy: string } } }).template.spec.restartPolicy,
      ).toBe('Never');
      // The new version waits for its migrations, whatever applied the manifests.
      const wait = pod.spec.initContainers?.find((c) => c.name === 'wait-for-migrations');
      expect(wait?.image).toBe(`auraison/${app}`);
      expect(wait?.command?.join(' ')).toContain(`node apps/${app}/dist/migrate.js --check`);
    },
  );

  it.each(DISK_APPS.map((a) => a.name))(
    'should open the ports %s listens on, as its environment schema says',
    (app) => {
      const container = mainContainer(app);
      const variables = appEnv.get(app)!;
      const httpDefault = variables.find((v) => v.name === 'HTTP_PORT')?.defaultValue;
      const http = container.ports?.find((p) => p.name === 'http')?.containerPort;
      expect(http).toBe(httpDefault);
      expect(envValue(container, objects(), 'HTTP_PORT')).toBe(String(http));
      expect(envValue(container, objects(), 'HTTP_HOST')).toBe('0.0.0.0');
      const grpc = container.ports?.find((p) => p.name === 'grpc')?.containerPort;
      expect(grpc).toBe(APPS.find((a) => a.name === app)?.grpcPort);
      if (variables.some((v) => v.name === 'GRPC_PORT'))
        expect(envValue(container, objects(), 'GRPC_PORT')).toBe(String(grpc));
    },
  );

  it.each(DISK_APPS.map((a) => a.name))('should probe %s on the routes the services serve', (app) => {
    const routes = servedRoutes();
    const container = mainContainer(app);
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
      expect(routes).toContain(probe?.httpGet?.path);
    const annotations = podTemplate(deploymentOf(app)).metadata?.annotations ?? {};
    expect(routes).toContain(annotations['prometheus.io/path']);
    expect(annotations['prometheus.io/port']).toBe(
      String(container.ports?.find((p) => p.name === 'http')?.containerPort),
    );
  });

  it.each(DISK_APPS.map((a) => a.name))(
    'should set only variables %s reads, and every one it needs in a cluster',
    (app) => {
      const variables = appEnv.get(app)!;
      const reads = new Set(variables.map((v) => v.name));
      const pod = podTemplate(deploymentOf(app)).spec;
      const job = find(objects(), 'Job', `${app}-migrate`);
      const containers = [...allContainers(pod), ...(job ? podTemplate(job).spec.containers : [])];
      for (const container of containers) {
        const unread = envNames(container, objects()).filter(
          (n) => !reads.has(n) && !(RUNTIME_ENV as readonly string[]).includes(n),
        );
        expect({ container: container.name, unread }).toEqual({ container: container.name, unread: [] });
        const set = new Set(envNames(container, objects()));
        // Required variables, and those whose default points at this machine (wrong inside a pod).
        const needed = variables
          .filter(
            (v) =>
              v.required ||
              (typeof v.defaultValue === 'string' && /127\.0\.0\.1|localhost/.test(v.defaultValue)),
          )
          .map((v) => v.name);
        expect({ container: container.name, missing: needed.filter((n) => !set.has(n)) }).toEqual({
          container: container.name,
          missing: [],
        });
      }
      // The service and the check read the service's credentials, the Job the schema owner's.
      const dbKey = (c: ContainerView | undefined) =>
        c?.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      // An app without a database (the console) gets no DATABASE_URL at all.
      if (reads.has('DATABASE_URL'))
        expect(dbKey(pod.containers[0])).toEqual({
          name: expect.stringMatching(new RegExp(`^${app}-database`)),
          key: 'url',
        });
      else expect(pod.containers[0]?.env?.some((e) => e.name === 'DATABASE_URL')).toBe(false);
      if (job) expect(dbKey(podTemplate(job).spec.containers[0])?.key).toBe('migration-url');
    },
  );

  it('should reference only ConfigMaps and Secrets that exist, or Secrets the platform team provides', () => {
    const provided = env === 'prod' ? /^[a-z-]+-database$/ : /^$/;
    for (const o of objects().filter(isWorkload)) {
      const pod = podTemplate(o).spec;
      for (const c of allContainers(pod)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || ref.optional) continue;
          const secret = find(objects(), 'Secret', ref.name);
          if (secret) expect(Object.keys((secret.data as Record<string, string>) ?? {})).toContain(ref.key);
          else
            expect(`${o.metadata.name}: ${ref.name}`).toMatch(
              new RegExp(`: ${provided.source.slice(1, -1)}$`),
            );
        }
        for (const from of c.envFrom ?? [])
          expect(find(objects(), 'ConfigMap', from.configMapRef!.name)).toBeDefined();
      }
      for (const v of pod.volumes ?? [])
        if (v.configMap) expect(find(objects(), 'ConfigMap', v.configMap.name)).toBeDefined();
    }
  });

  it('should give every container resource requests and limits, limits at least the requests', () => {
    for (const o of objects().filter(isWorkload))
      for (const c of allContainers(podTemplate(o).spec)) {
        const where = `${o.kind}/${o.metadata.name}/${c.name}`;
        for (const r of ['cpu', 'memory']) {
          const request = c.resources?.requests?.[r];
          const limit = c.resources?.limits?.[r];
          expect({ where, r, request: request !== undefined, limit: limit !== undefined }).toEqual({
            where,
            r,
            request: true,
            limit: true,
          });
          expect(quantity(limit!)).toBeGreaterThanOrEqual(quantity(request!));
        }
      }
  });

  it('should run every pod under the restricted Pod Security Standard with a read-only root filesystem', () => {
    for (const o of objects().filter(isWorkload)) {
      const pod: PodSpecView = podTemplate(o).spec;
      const where = `${o.kind}/${o.metadata.name}`;
      expect({
        where,
        nonRoot: pod.securityContext?.runAsNonRoot,
        seccomp: pod.securityContext?.seccompProfile?.type,
      }).toEqual({
        where,
        nonRoot: true,
        seccomp: 'RuntimeDefault',
      });
      expect({ where, host: [pod.hostNetwork, pod.hostPID, pod.hostIPC].some(Boolean) }).toEqual({
        where,
        host: false,
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const v of pod.volumes ?? [])
        expect({ where, hostPath: v.hostPath }).toEqual({ where, hostPath: undefined });
      for (const c of allContainers(pod)) {
        const s = c.securityContext;
        expect({ where: `${where}/${c.name}`, s }).toEqual({
          where: `${where}/${c.name}`,
          s: expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          }),
        });
        expect(s?.privileged).toBeUndefined();
      }
    }
  });

  it('should keep the V8 heap of every service below its memory limit', () => {
    for (const app of DISK_APPS) {
      const c = mainContainer(app.name);
      const heap = Number(
        /--max-old-space-size=(\d+)/.exec(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '')?.[1],
      );
      expect(heap * 1024 ** 2).toBeLessThan(quantity(c.resources!.limits!.memory!));
      expect(heap * 1024 ** 2).toBeGreaterThan(0.5 * quantity(c.resources!.limits!.memory!));
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('should label every object with the plane, and every app object with its app and component', () => {
    const ns = objects().find((o) => o.kind === 'Namespace')!;
    for (const o of objects()) {
      expect({ id: objectId(o), partOf: o.metadata.labels?.['app.kubernetes.io/part-of'] }).toEqual({
        id: objectId(o),
        partOf: 'auraison-management-plane',
      });
      if (o.kind !== 'Namespace')
        expect({ id: objectId(o), ns: o.metadata.namespace }).toEqual({
          id: objectId(o),
          ns: ns.metadata.name,
        });
    }
    for (const o of objects().filter(isWorkload)) {
      const labels = podTemplate(o).metadata?.labels ?? {};
      expect(labels['app.kubernetes.io/name']).toBeDefined();
      expect(labels['app.kubernetes.io/component']).toMatch(/^(server|migration|message-broker|database)$/);
    }
  });

  it('should publish the APIs on an Ingress, never /metrics or the probes', () => {
    for (const app of DISK_APPS) {
      const spec = find(objects(), 'Ingress', app.name)?.spec as {
        ingressClassName: string;
        rules: Array<{
          host: string;
          http: {
            paths: Array<{ path: string; backend: { service: { name: string; port: { name: string } } } }>;
          };
        }>;
      };
      expect(spec.rules).toHaveLength(1);
      expect(spec.rules[0]!.host.startsWith(`${app.name}.`)).toBe(true);
      for (const p of spec.rules[0]!.http.paths) {
        expect(p.backend.service).toEqual({ name: app.name, port: { name: 'http' } });
        // The console's web app owns its host's root (deep links anywhere under /); every other app
        // publishes API prefixes only.
        const forbidden =
          app.name === 'console'
            ? ['/metrics', '/healthz', '/readyz']
            : ['/', '/metrics', '/healthz', '/readyz'];
        expect(forbidden).not.toContain(p.path);
      }
    }
  });
});

describe('billing scales on its own', () => {
  let billingStreams: string[] = [];

  beforeAll(async () => {
    // The consumer declarations of the plane (libs/contracts), loaded lazily as the other tools do.
    const { CONSUMERS, STREAMS } = await import('@auraison/contracts');
    billingStreams = Object.values(CONSUMERS)
      .filter((c) => c.durable === 'billing')
      .map((c) => STREAMS[c.stream].name);
  });

  it('should leave replicas to the autoscaler in both overlays', () => {
    for (const env of ENVS)
      expect(
        (find(objectsOf(env), 'Deployment', 'billing')?.spec as { replicas?: number }).replicas,
      ).toBeUndefined();
  });

  it('should scale on CPU with an HPA in dev', () => {
    const hpa = find(objectsOf('dev'), 'HorizontalPodAutoscaler', 'billing')?.spec as {
      scaleTargetRef: { kind: string; name: string };
      metrics: Array<{ resource: { name: string } }>;
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'billing' });
    expect(hpa.metrics.map((m) => m.resource.name)).toEqual(['cpu']);
    expect(find(objectsOf('dev'), 'ScaledObject', 'billing')).toBeUndefined();
  });

  it('should scale on CPU and on the JetStream lag of its durable consumer with KEDA in prod', () => {
    expect(find(objectsOf('prod'), 'HorizontalPodAutoscaler', 'billing')).toBeUndefined();
    const so = find(objectsOf('prod'), 'ScaledObject', 'billing')?.spec as {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      triggers: Array<{ type: string; metadata: Record<string, string> }>;
    };
    expect(so.scaleTargetRef.name).toBe('billing');
    expect(so.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(so.triggers.filter((t) => t.type === 'cpu')).toHaveLength(1);
    const lag = so.triggers.filter((t) => t.type === 'nats-jetstream');
    expect(lag.map((t) => t.metadata.stream).sort()).toEqual(['MP_AGENT_EVENTS', 'MP_EXECUTION_EVENTS']);
    for (const t of lag) {
      expect(billingStreams).toContain(t.metadata.stream);
      expect(t.metadata).toMatchObject({ consumer: 'billing', account: '$G' });
      expect(t.metadata.natsServerMonitoringEndpoint).toMatch(/^[a-z0-9.-]+:8222$/);
      expect(Number(t.metadata.lagThreshold)).toBeGreaterThan(0);
    }
  });
});

describe('dev and prod', () => {
  it('should run NATS JetStream on file storage and PostgreSQL in dev, one replica each, and neither in prod', () => {
    const dev = objectsOf('dev');
    for (const name of ['nats', 'postgresql']) {
      const sts = find(dev, 'StatefulSet', name)?.spec as {
        replicas: number;
        volumeClaimTemplates: unknown[];
      };
      expect(sts.replicas).toBe(1);
      expect(sts.volumeClaimTemplates).toHaveLength(1);
      expect(find(objectsOf('prod'), 'StatefulSet', name)).toBeUndefined();
    }
    const conf =
      Object.values(
        (dev.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config'))?.data as Record<
          string,
          string
        >) ?? {},
      )[0] ?? '';
    expect(conf).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data/);
    expect(conf).toMatch(/sync_interval:\s*always/);
    expect(conf).toMatch(/max_payload:\s*2MB/);
  });

  it('should run more replicas with stricter resources in prod', () => {
    for (const app of DISK_APPS) {
      const spec = (env: Env) =>
        find(objectsOf(env), 'Deployment', app.name)?.spec as {
          replicas?: number;
          template: { spec: PodSpecView };
        };
      const resources = (env: Env) => spec(env).template.spec.containers[0]!.resources!;
      expect(spec('prod').replicas ?? 2).toBeGreaterThanOrEqual(spec('dev').replicas ?? 1);
      // No memory overcommit in prod: request == limit.
      expect(resources('prod').requests!.memory).toBe(resources('prod').limits!.memory);
      expect(quantity(resources('prod').requests!.cpu!)).toBeGreaterThan(
        quantity(resources('dev').requests!.cpu!),
      );
    }
    const total = (env: Env) =>
      DISK_APPS.reduce(
        (n, a) =>
          n + ((find(objectsOf(env), 'Deployment', a.name)?.spec as { replicas?: number }).replicas ?? 0),
        0,
      );
    expect(total('prod')).toBeGreaterThan(total('dev'));
  });

  it('should take PostgreSQL and NATS from outside in prod', () => {
    for (const app of DISK_APPS.filter((a) => a.migrates)) {
      const c = find(objectsOf('prod'), 'Deployment', app.name)!;
      const container = podTemplate(c).spec.containers[0]!;
      expect(envValue(container, objectsOf('prod'), 'NATS_URL')).toMatch(
        /^nats:\/\/[a-z.-]+\.svc\.cluster\.local:4222$/,
      );
      expect(container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe(
        `${app.name}-database`,
      );
    }
    expect(objectsOf('prod').filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});
