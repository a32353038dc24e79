// One connected pair through a listener, shared by the socket transports'
// test files (tcp, unix, websocket, node-duplex): accept first, then dial,
// so the flow accepted is the one just dialed.
import type { Flow, Result } from '@flowkit/flow-types';

/** What {@link acceptedPair} needs of a listener. */
export interface Accepting<F extends Flow> {
  accept(): Promise<Result<F, { readonly message: string }>>;
}

/**
 * `[dialer, acceptor]`: starts `listener.accept()`, runs `dial()`, then
 * awaits the accept. Throws with the transport's message when either fails
 * (a test's setup failing is not a result to check), aborting the dialed
 * flow if only the accept failed.
 */
export async function acceptedPair<D extends Flow, A extends Flow>(
  listener: Accepting<A>,
  dial: () => Promise<Result<D, { readonly message: string }>>,
): Promise<[D, A]> {
  const accepted = listener.accept();
  const dialed = await dial();
  if (!dialed.ok) throw new Error(`dial: ${dialed.error.message}`);
  const acc = await accepted;
  if (!acc.ok) {
    dialed.value.abort(new Error('accept failed'));
    throw new Error(`accept: ${acc.error.message}`);
  }
  return [dialed.value, acc.value];
}
