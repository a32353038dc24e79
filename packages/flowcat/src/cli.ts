#!/usr/bin/env node
import { main } from './main.js';

// The flowcat executable: wires the process to `main` and exits with its status.
const interrupt = new AbortController();
const onSignal = (): void => interrupt.abort();
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  interrupt: interrupt.signal,
});
// Let the event loop drain rather than calling process.exit at once: a socket
// may still be flushing its last bytes (a TLS close_notify, a FIN), and
// cutting that short would make the peer see a truncated stream. stdin is the
// one handle that can keep the process alive for nothing (a terminal nobody
// typed EOF into), so it is released; a last-resort timer, unref'd so it does
// not itself keep the process up, covers anything else.
process.exitCode = code;
process.stdin.destroy();
setTimeout(() => process.exit(code), 2_000).unref();
