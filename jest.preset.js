// Shared Jest settings: native ESM (NestJS 12 is ESM-only), TypeScript through @swc/jest with legacy
// decorators and decorator metadata, and workspace libraries resolved to their sources so tests never
// need a build first.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

function libraryAliases() {
  const aliases = {};
  for (const name of readdirSync(join(root, 'libs'))) {
    const entry = join(root, 'libs', name, 'src', 'index.ts');
    if (existsSync(entry)) aliases[`^@auraison/${name}$`] = entry;
  }
  return aliases;
}

/** @param {string} projectDir @param {Partial<import('jest').Config>} [overrides] */
export function jestConfig(projectDir, overrides = {}) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    moduleNameMapper: {
      ...libraryAliases(),
      // @fastify/static (needed by @nestjs/swagger) require()s content-disposition 3, which is ESM-only;
      // Jest on Node 20 cannot require ESM (TOOLCHAIN 14). Version 2 has the same API in CommonJS.
      '^content-disposition$': join(root, 'node_modules/content-disposition/dist/index.js'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'es6' },
        },
      ],
    },
    testTimeout: 30000,
    ...overrides,
  };
}
