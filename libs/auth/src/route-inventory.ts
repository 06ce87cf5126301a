// Lists every HTTP route and message/gRPC handler of a running Nest app with the access it declares,
// so a test can fail when one declares nothing (DESIGN §6: an undeclared one is a test failure).
import type { INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { PERMISSION_METADATA, PUBLIC_METADATA } from './decorators.js';
import type { Permission } from './permissions.js';

const RPC_PATTERN_METADATA = 'microservices:pattern';
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

export interface HandlerAccess {
  kind: 'http' | 'rpc';
  /** `GET /api/v1/tenants/:id` or the RPC pattern as JSON. */
  route: string;
  handler: string;
  permission?: Permission;
  publicReason?: string;
}

export function listHandlers(app: INestApplicationContext): HandlerAccess[] {
  const reflector = new Reflector();
  const out: HandlerAccess[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      const prefix = (Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? '';
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        if (name === 'constructor') continue;
        const method = (type.prototype as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const targets = [method, type];
        const access = {
          handler: `${type.name}.${name}`,
          permission: reflector.getAllAndOverride<Permission | undefined>(PERMISSION_METADATA, targets),
          publicReason: reflector.getAllAndOverride<string | undefined>(PUBLIC_METADATA, targets),
        };
        const path = Reflect.getMetadata(PATH_METADATA, method) as string | string[] | undefined;
        const verb = Reflect.getMetadata(METHOD_METADATA, method) as number | undefined;
        if (path !== undefined && verb !== undefined) {
          out.push({
            kind: 'http',
            route: `${HTTP_METHODS[verb] ?? verb} /${join(prefix, path)}`,
            ...access,
          });
        }
        const pattern = Reflect.getMetadata(RPC_PATTERN_METADATA, method) as unknown;
        if (pattern !== undefined) out.push({ kind: 'rpc', route: JSON.stringify(pattern), ...access });
      }
    }
  }
  return out;
}

function join(prefix: string | string[], path: string | string[]): string {
  const first = (p: string | string[]): string => (Array.isArray(p) ? (p[0] ?? '') : p);
  return [first(prefix), first(path)]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
}

/** Handlers that declare neither a permission nor @Public. */
export function undeclaredHandlers(app: INestApplicationContext): HandlerAccess[] {
  return listHandlers(app).filter((h) => !h.permission && !h.publicReason);
}
