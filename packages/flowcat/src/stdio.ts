import { Duplex } from 'node:stream';
import type { Flow } from '@flowkit/flow-types';
import { fromNodeDuplex } from '@flowkit/node-duplex';

/**
 * Standard input and output as one {@link Flow}, through the same adapter
 * every socket transport uses (`fromNodeDuplex`): stdin is the read side,
 * stdout the write side, stdin's end is `EOF`, and `close()` ends stdout.
 */
export function stdioFlow(stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream): Flow {
  const duplex = Duplex.from({ readable: stdin, writable: stdout });
  return fromNodeDuplex(duplex, { label: 'stdio' });
}
