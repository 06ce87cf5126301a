// `npm run package:client`: libs/client as a package any Node program installs (`npm install
// auraison-client-<version>.tgz`): one ESM bundle with the contracts inside (generated messages, codec,
// service definitions), type declarations, and as dependencies only the transports (@grpc/grpc-js, the
// @nats-io clients) and what the declarations name, at the versions the plane is tested with. Writes
// dist/client-package/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// The transports, and what the contracts' type declarations name (protobuf-es's wire types, rxjs's
// Observable in the generated service interfaces).
const EXTERNAL = [
  '@grpc/grpc-js',
  '@nats-io/jetstream',
  '@nats-io/transport-node',
  '@bufbuild/protobuf',
  'rxjs',
];

// The generated service file carries NestJS decorators for the plane's own servers; a client never
// serves, so they become no-ops instead of pulling NestJS into the bundle.
const noNest: Plugin = {
  name: 'no-nest',
  setup(b) {
    b.onResolve({ filter: /^@nestjs\/microservices$/ }, (args) => ({
      path: args.path,
      namespace: 'no-nest',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-nest' }, () => ({
      contents:
        'export const GrpcMethod = () => () => {};\nexport const GrpcStreamMethod = () => () => {};\n',
      loader: 'js',
    }));
  },
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Builds the package directory and packs it; returns the tarball's path. */
export async function packClient(outDir = join(ROOT, 'dist/client-package')): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  const pkgDir = join(outDir, 'package');
  mkdirSync(pkgDir, { recursive: true });
  const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const clientPkg = JSON.parse(readFileSync(join(ROOT, 'libs/client/package.json'), 'utf8')) as {
    version: string;
    description: string;
  };

  await build({
    entryPoints: [join(ROOT, 'libs/client/src/index.ts')],
    outfile: join(pkgDir, 'dist/index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@auraison/source'],
    external: [...EXTERNAL, ...EXTERNAL.map((d) => `${d}/*`)],
    plugins: [noNest],
    sourcemap: true,
    logLevel: 'warning',
    // Bundled CommonJS dependencies (protobufjs) call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __mpCreateRequire } from 'node:module';\nconst require = __mpCreateRequire(import.meta.url);",
    },
  });

  // Declarations: the client's, and the contracts' beside them under types/contracts, with the
  // workspace import rewritten to the relative path.
  const types = join(pkgDir, 'types');
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const clientConfig = join(outDir, 'tsconfig.client.json');
  // Only the sources (the tests import test-only packages).
  for (const lib of ['client', 'contracts']) {
    writeFileSync(
      join(outDir, `tsconfig.${lib}.json`),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: { typeRoots: [join(ROOT, 'node_modules/@types')] },
        include: [join(ROOT, 'libs', lib, 'src/**/*.ts')],
        exclude: ['**/*.spec.ts'],
      }),
    );
  }
  const emitFrom = (config: string, lib: string, dir: string): void => {
    execFileSync(process.execPath, [
      tsc,
      '-p',
      config,
      '--noEmit',
      'false',
      '--declaration',
      '--emitDeclarationOnly',
      '--sourceMap',
      'false',
      '--rootDir',
      join(ROOT, 'libs', lib, 'src'),
      '--outDir',
      dir,
    ]);
  };
  emitFrom(clientConfig, 'client', types);
  emitFrom(join(outDir, 'tsconfig.contracts.json'), 'contracts', join(types, 'contracts'));
  for (const file of walk(types).filter(
    (f) => f.endsWith('.d.ts') && !f.startsWith(join(types, 'contracts')),
  )) {
    const rel = relative(dirname(file), join(types, 'contracts/index.js'));
    const spec = rel.startsWith('.') ? rel : `./${rel}`;
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll("'@auraison/contracts'", `'${spec}'`));
  }

  const pkg = {
    name: '@auraison/client',
    version: clientPkg.version,
    description: clientPkg.description,
    type: 'module',
    exports: { '.': { types: './types/index.d.ts', default: './dist/index.js' } },
    types: './types/index.d.ts',
    engines: { node: '>=20.11' },
    dependencies: Object.fromEntries(EXTERNAL.map((d) => [d, rootPkg.dependencies[d]!])),
    files: ['dist', 'types', 'README.md'],
  };
  writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(pkgDir, 'README.md'), readFileSync(join(ROOT, 'libs/client/README.md'), 'utf8'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
    cwd: pkgDir,
    encoding: 'utf8',
  }).trim();
  return join(outDir, tarball.split('\n').pop()!);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tarball = await packClient();
  console.log(`packed ${relative(process.cwd(), tarball)}: npm install ${tarball}`);
}
