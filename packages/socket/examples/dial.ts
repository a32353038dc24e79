import { formatError } from '@flowkit/flow-types';
import { dial } from '@flowkit/socket';

// Run after `npm install @flowkit/socket`: npx tsx node_modules/@flowkit/socket/examples/dial.ts
// Transports (tcp, unix, tls) wrap the socket in a flow; this shows the plumbing alone.

// Port 9 (discard) is rarely open: expect a typed `refused`, never a throw.
const dialed = await dial(
  { host: '127.0.0.1', port: 9 },
  { label: '127.0.0.1:9', timeout: 2_000 },
  (socket) => socket, // a transport returns its flow here
);
if (dialed.ok) {
  console.log('connected to', dialed.value.remoteAddress);
  dialed.value.destroy();
} else {
  console.log(formatError(dialed.error)); // e.g. refused: connection to 127.0.0.1:9 refused: …
}
