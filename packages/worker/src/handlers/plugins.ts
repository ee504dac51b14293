import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { HandlerRegistry } from './handler-registry.js';

/** What a WORKER_PLUGINS module exports: a function that registers its handlers. */
export type RegisterHandlers = (registry: HandlerRegistry) => unknown;

/** Imports each plugin module and lets it register handlers; a module without `register` is refused. */
export async function loadPlugins(specifiers: readonly string[], registry: HandlerRegistry): Promise<void> {
  for (const specifier of specifiers) {
    const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
    const module: unknown = await import(url);
    const register = pluginRegister(module);
    if (register === null) {
      throw new Error(
        `Worker plugin ${specifier} exports no register(registry) function (named or default).`,
      );
    }
    await register(registry);
  }
}

function pluginRegister(module: unknown): RegisterHandlers | null {
  if (typeof module !== 'object' || module === null) return null;
  const named = 'register' in module ? module.register : undefined;
  const fallback = 'default' in module ? module.default : undefined;
  const candidate = typeof named === 'function' ? named : fallback;
  return typeof candidate === 'function' ? (candidate as RegisterHandlers) : null;
}
