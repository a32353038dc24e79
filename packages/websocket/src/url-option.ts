import { err, ok } from '@flowkit/flow-types';
import { invalidOption, type OptionReader, show } from '@flowkit/kernel';

/**
 * The `url` option: a `ws:` or `wss:` URL, as a string or a `URL`. Returns
 * the parsed `URL` (a copy, so the caller's object is read once).
 */
export function urlOption(): OptionReader<URL> {
  return (value, option) => {
    let url: URL;
    try {
      url = new URL(typeof value === 'string' ? value : value instanceof URL ? value.href : '');
    } catch (cause) {
      return err(invalidOption(option, `must be a ws: or wss: URL, got ${show(value)}`, cause));
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      return err(
        invalidOption(option, `must be a ws: or wss: URL, got ${show(url.protocol)} in ${show(url.href)}`),
      );
    }
    if (url.hash !== '')
      return err(invalidOption(option, 'must not have a fragment (#…): WebSocket URLs cannot'));
    return ok(url);
  };
}
