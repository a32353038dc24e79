/** The mutation score (%) every package must keep. */
export const target: number;
/** What `pnpm mutate` mutates, per package (globs under packages/<name>/). */
export const mutated: Readonly<Record<string, readonly string[]>>;
/** Packages still below {@link target}, each with the score (%) the gate fails it under meanwhile. */
export const floors: Readonly<Record<string, number>>;
