/**
 * Describes any value in a few words for an error message, without running
 * caller code: no `toString`, no getters, no Proxy traps. Strings are quoted
 * and cut at 60 characters; NUL and other control characters are escaped by
 * `JSON.stringify`.
 */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const cut = value.length > 60 ? `${value.slice(0, 60)}…` : value;
      return JSON.stringify(cut);
    }
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      try {
        return Array.isArray(value) ? 'an array' : 'an object';
      } catch {
        // Array.isArray throws on a revoked Proxy.
        return 'an object';
      }
  }
}
