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
// stdin may still hold the event loop open (a terminal nobody typed EOF into);
// writes to stdout/stderr are synchronous for files, pipes and terminals on
// Linux, so exiting now loses nothing that was written.
process.stdout.write('', () => process.exit(code));
