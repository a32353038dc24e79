import type { InvalidOptionError } from '@flowkit/flow-types';

/**
 * Builds the `invalid-option` error every entry point returns for a bad
 * option. The message starts with the option's name, so it reads on its own:
 * `port must be an integer 0–65535, got 70000`.
 */
export function invalidOption(option: string, message: string, cause?: unknown): InvalidOptionError {
  const full = `${option} ${message}`;
  return cause === undefined
    ? { type: 'invalid-option', option, message: full }
    : { type: 'invalid-option', option, message: full, cause };
}
