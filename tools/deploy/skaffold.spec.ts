// skaffold.yaml: valid against skaffold's own schema (v4beta14, copied into deploy/schemas so a clean
// clone has it), one artifact and one module per app, dev and prod profiles that point at overlays which
// build, images that the artifacts provide, and migrations hooked before the app they belong to.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild } from './kustomize.js';
import { MIGRATION_SCRIPT, PLATFORM_MODULE, SKAFFOLD_API_VERSION, type SkaffoldConfig } from './skaffold.js';
import { allContainers, appsOnDisk, isWorkload, podTemplate } from './workloads.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCHEMA = join(ROOT, 'deploy/schemas/skaffold-v4beta14.json');

interface HookItem {
  host?: { command: string[] };
}

type Config = SkaffoldConfig & {
  deploy: { kubectl?: { hooks?: { before?: HookItem[]; after?: HookItem[] } } };
  profiles: Array<{ name: string; manifests: { kustomize: { paths: string[] } }; deploy: Config['deploy'] }>;
};

let validate: ValidateFunction;
let configs: Config[];

beforeAll(() => {
  // The schema uses IntelliJ's and skaffold's own annotation keywords (preferredOrder ...): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true });
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  configs = parseAllDocuments(readFileSync(join(ROOT, 'skaffold.yaml'), 'utf8')).map(
    (d) => d.toJS() as Config,
  );
});

const byName = (name: string): Config => {
  const c = configs.find((x) => x.metadata.name === name);
  if (!c) throw new Error(`skaffold.yaml has no config (module) named ${name}`);
  return c;
};

describe('skaffold.yaml', () => {
  it('should validate every config against the skaffold v4beta14 schema', () => {
    expect(configs.length).toBeGreaterThan(1);
    for (const config of configs) {
      const ok = validate(config);
      expect({ config: config.metadata.name, errors: ok ? [] : validate.errors }).toEqual({
        config: config.metadata.name,
        errors: [],
      });
      expect(config.apiVersion).toBe(SKAFFOLD_API_VERSION);
    }
  });

  it('should reject what the schema forbids (the validator is not a no-op)', () => {
    const bad = { ...configs[1]!, deploy: { kubectl: { hookz: {} } } };
    expect(validate(bad)).toBe(false);
    expect(validate({ ...configs[1]!, build: { artifacts: [{ context: '.' }] } })).toBe(false);
  });

  it('should name every config, each name once, the platform first (skaffold deploys in file order)', () => {
    const names = configs.map((c) => c.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([PLATFORM_MODULE, ...names.slice(1)]);
  });

  it.each(appsOnDisk(ROOT).map((a) => a.name))(
    'should build %s from the Dockerfile as its own artifact in its own module that needs no other',
    (app) => {
      const config = byName(app);
      expect(config.build?.artifacts).toEqual([
        {
          image: `auraison/${app}`,
          context: '.',
          docker: { dockerfile: 'Dockerfile', buildArgs: { APP: app } },
        },
      ]);
      expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
      // `skaffold run -m <app>` deploys the app alone, `skaffold delete -m <app>` deletes it alone.
      expect((config as { requires?: unknown }).requires).toBeUndefined();
    },
  );

  it('should give every module a dev and a prod profile, dev also being the default', () => {
    for (const config of configs) {
      expect(config.profiles.map((p) => p.name)).toEqual(['dev', 'prod']);
      expect(config.manifests).toEqual(config.profiles[0]!.manifests);
      for (const p of config.profiles)
        expect(p.manifests.kustomize.paths).toEqual([
          `deploy/k8s/overlays/${p.name}/${config.metadata.name}`,
        ]);
    }
  });

  it.each(['dev', 'prod'])(
    'should deploy in the %s profile only images that the artifacts build, or pinned third-party ones',
    (profile) => {
      const artifacts = new Set(configs.flatMap((c) => c.build?.artifacts.map((a) => a.image) ?? []));
      for (const config of configs) {
        const paths = config.profiles.find((p) => p.name === profile)!.manifests.kustomize.paths;
        const objects = paths.flatMap((p) => kustomizeBuild(ROOT, p));
        const own = new Set(config.build?.artifacts.map((a) => a.image) ?? []);
        for (const o of objects.filter(isWorkload))
          for (const c of allContainers(podTemplate(o).spec)) {
            const where = `${config.metadata.name}: ${o.kind}/${o.metadata.name}/${c.name}`;
            if (c.image?.startsWith('auraison/'))
              expect({ where, own: own.has(c.image) }).toEqual({ where, own: true });
            else
              expect({ where, image: c.image }).toEqual({
                where,
                image: expect.stringMatching(/^[a-z0-9./-]+:[0-9][\w.-]*$/),
              });
            expect(artifacts.has(c.image!) || !c.image!.startsWith('auraison/')).toBe(true);
          }
      }
    },
    60_000,
  );

  it('should run each app migration Job before the app: delete the last one, apply, wait for completion', () => {
    for (const app of appsOnDisk(ROOT).filter((a) => a.migrates)) {
      const config = byName(app.name);
      for (const profile of config.profiles) {
        const objects = kustomizeBuild(ROOT, profile.manifests.kustomize.paths[0]!);
        const namespace = objects.find((o) => o.kind === 'Job')?.metadata.namespace;
        expect(objects.some((o) => o.kind === 'Job' && o.metadata.name === `${app.name}-migrate`)).toBe(true);
        const hooks = profile.deploy.kubectl?.hooks;
        expect(hooks?.before?.map((h) => h.host?.command)).toEqual([
          ['sh', MIGRATION_SCRIPT, 'prepare', namespace, app.name],
        ]);
        expect(hooks?.after?.map((h) => h.host?.command)).toEqual([
          ['sh', MIGRATION_SCRIPT, 'wait', namespace, app.name],
        ]);
      }
    }
    accessSync(join(ROOT, MIGRATION_SCRIPT), constants.X_OK);
  }, 60_000);
});
