import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_KEY, type AccessRule } from './access.decorator';

export interface RouteInfo {
  method: string;
  /** Full path with the global prefix, e.g. /api/v1/flows/:id */
  path: string;
  controller: string;
  handler: string;
  /** The declared access rule, or undefined when the route declares none (the guard denies it). */
  rule: AccessRule | undefined;
}

function join(...parts: string[]): string {
  return (
    '/' +
    parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')
  );
}

/**
 * Every HTTP route of the application, read from Nest's own metadata (controllers of every
 * module, each handler's method and path) with the access rule the global guard will apply.
 * Used by the access tests to prove every route declares its permission.
 */
export function listRoutes(
  app: INestApplication,
  prefix: string,
  excludedFromPrefix: readonly string[] = [],
): RouteInfo[] {
  const modules = app.get(ModulesContainer);
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const out: RouteInfo[] = [];
  const seen = new Set<unknown>();
  for (const mod of modules.values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!type || seen.has(type)) continue;
      seen.add(type);
      const ctrlPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? '/');
      for (const name of scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const routePath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (routePath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [handler as never, type]);
        for (const c of ctrlPaths) {
          for (const r of ([] as string[]).concat(routePath)) {
            const bare = join(c, r);
            const path = excludedFromPrefix.some((e) => join(e) === bare) ? bare : join(prefix, c, r);
            out.push({ method, path, controller: type.name, handler: name, rule });
          }
        }
      }
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
