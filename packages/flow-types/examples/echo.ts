import { EOF, type Flow, formatError, formatWriteError } from '@flowkit/flow-types';

/**
 * An echo server written once against `Flow`: it runs unchanged over memory,
 * tcp, unix or tls. Returns the number of bytes echoed.
 */
export async function echo(flow: Flow): Promise<number> {
  let echoed = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) {
      console.error(`read failed: ${formatError(r.error)}`);
      flow.abort(r.error);
      return echoed;
    }
    if (r.value === EOF) break; // the remote half-closed: finish our side too
    const w = await flow.write(r.value);
    if (!w.ok) {
      console.error(`write failed: ${formatWriteError(w.error)}`);
      flow.abort(w.error);
      return echoed;
    }
    echoed += r.value.byteLength;
  }
  await flow.close(); // half-close, then wait for the remote's close
  return echoed;
}
