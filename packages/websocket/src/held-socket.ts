import type { MessageSocket } from './message-socket.js';

/** A {@link MessageSocket} that reads nothing until {@link HeldSocket.release}. */
export interface HeldSocket {
  /** The socket to build the flow on. */
  readonly socket: MessageSocket;
  /** Starts reading (unless the flow itself paused); idempotent. */
  release(): void;
}

/**
 * Holds a listener's new connection unread until it is accepted (SPEC: the
 * kernel holds its data, so TCP backpressure reaches the client instead of
 * the process buffering up to a whole message per queued connection). It
 * pauses `inner` at once and keeps two reasons to stay paused apart: held
 * by the listener, and paused by the flow's own `readHighWaterMark`;
 * reading resumes only when neither holds.
 */
export function holdReading(inner: MessageSocket): HeldSocket {
  let held = true;
  let flowPaused = false;
  inner.pause();
  return {
    socket: {
      ...inner,
      pause: () => {
        flowPaused = true;
        inner.pause();
      },
      resume: () => {
        flowPaused = false;
        if (!held) inner.resume();
      },
    },
    release: () => {
      if (!held) return;
      held = false;
      if (!flowPaused) inner.resume();
    },
  };
}
