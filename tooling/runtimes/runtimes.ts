import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installOnce } from '../release/cache.js';

/** A JavaScript runtime the matrix runs, installed from its npm package. */
export interface Runtime {
  /** Column name in the README table. */
  readonly id: string;
  readonly kind: 'node' | 'deno' | 'bun';
  /** The npm package and exact version that carries the binary. */
  readonly npm: { readonly name: string; readonly version: string };
}

/**
 * The matrix: Node at the `engines` floor (20.11) and the two newer lines,
 * Deno and Bun. Exact versions, so a new release changes the table only
 * through a commit here.
 */
export const RUNTIMES: readonly Runtime[] = [
  { id: 'Node 20.11', kind: 'node', npm: { name: 'node', version: '20.11.1' } },
  { id: 'Node 22', kind: 'node', npm: { name: 'node', version: '22.23.3' } },
  { id: 'Node 24', kind: 'node', npm: { name: 'node', version: '24.9.0' } },
  { id: 'Deno', kind: 'deno', npm: { name: 'deno', version: '2.9.6' } },
  { id: 'Bun', kind: 'bun', npm: { name: 'bun', version: '1.4.5' } },
];

/** Finds a runtime by kind (the first of that kind) or id. */
export function runtime(idOrKind: string): Runtime {
  const found = RUNTIMES.find((r) => r.id === idOrKind) ?? RUNTIMES.find((r) => r.kind === idOrKind);
  if (found === undefined) throw new Error(`no runtime ${idOrKind}`);
  return found;
}

/**
 * Installs the runtime's npm package into the cache once and returns the
 * path of its executable. The packages ship the binary in a per-platform
 * optional dependency, so no install script has to run.
 */
export async function installRuntime(rt: Runtime): Promise<string> {
  const { name, version } = rt.npm;
  const dir = await installOnce(`runtime-${name}-${version}`, (target) => {
    const manifest = { private: true, dependencies: { [name]: version } };
    writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return join(dir, 'node_modules', '.bin', rt.kind);
}
