import type { Flow } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';

/** One row of the tour: how to make connected pairs, and how to clean up. */
export interface TourTransport {
  readonly name: string;
  /** Binds whatever the transport needs (a port, a socket file, a CA). */
  open(): Promise<OpenTransport>;
}

export interface OpenTransport {
  /** A fresh connected pair: [dialer, acceptor]. */
  pair(): Promise<readonly [Flow, Flow]>;
  /** Closes listeners and removes files. Safe to call twice. */
  dispose(): Promise<void>;
}

const memory: TourTransport = {
  name: 'memory',
  async open() {
    return { pair: async () => pair(), dispose: async () => {} };
  },
};

export const transports: readonly TourTransport[] = [memory];
