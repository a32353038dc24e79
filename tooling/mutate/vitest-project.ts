import { packageProject } from '../vitest.shared.js';

/**
 * The vitest project Stryker runs for a package (its `vitest.mutate.config.ts`):
 * the package's own project minus `exclude` (files that read source text or
 * soak the network, which kill no mutant Stryker could not kill faster), with
 * short bounds. A mutant that leaves a read or an accept pending then fails
 * its test after `testTimeout` (killed, and the runner keeps going) instead of
 * holding the runner until Stryker's own timeout kills and restarts it.
 * `testTimeout` must stay well above the slowest test's instrumented time, or
 * a slow test would "kill" mutants it does not detect.
 */
export function mutateProject(name: string, { exclude = [] as string[], testTimeout = 3_000 } = {}) {
  const project = packageProject(name);
  return {
    ...project,
    test: {
      ...project.test,
      exclude: ['**/node_modules/**', ...exclude],
      testTimeout,
      // Above the leak check's 2 s grace (tooling/vitest.setup.ts).
      hookTimeout: 4_000,
    },
  };
}
