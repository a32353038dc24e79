import { err } from '@flowkit/flow-types';
import { invalidOption, type OptionReader, type OptionTable } from '@flowkit/kernel';

/**
 * Wraps every reader of `table` so that an exception it lets through becomes
 * an `invalid-option` naming that option. The kernel's readers describe a bad
 * value with `show()`, whose `Array.isArray` throws on a revoked Proxy; a
 * hostile value must still give a result, not an exception.
 *
 * @internal
 */
export function guarded<T extends OptionTable>(table: T): T {
  const out: Record<string, OptionReader<unknown>> = {};
  for (const [name, reader] of Object.entries(table)) {
    out[name] = (value, option) => {
      try {
        return reader(value, option);
      } catch (cause) {
        return err(invalidOption(option, 'could not be checked: inspecting the value threw', cause));
      }
    };
  }
  return out as T;
}
