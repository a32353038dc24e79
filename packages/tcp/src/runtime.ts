import { runtimeRefusal } from '@flowkit/kernel';

/**
 * Whether `listen` refuses this runtime (`unsupported-runtime`), measured
 * (the README's Runtimes section). Deno 2.9: an accepted TCP socket that
 * reads the peer's end-of-stream while one of its writes is in flight fails
 * that write with EPIPE and closes cleanly, so the peer reads EOF where the
 * data belonged (seen with Deno and Node peers alike; a paused socket, and
 * Deno's dialed sockets, lose nothing). It needs I/O to see, so Deno is
 * refused by name.
 */
export const listenRefusal = runtimeRefusal('@flowkit/tcp cannot listen', {
  deno: "a TCP connection Deno's node:net accepted loses a write still in flight when the peer's end-of-stream arrives (EPIPE, then a clean close: the peer reads EOF where the data belonged); connect() works on deno",
});
