/**
 * A stage sits between a {@link Pipe}'s writer and its reader and changes
 * how the bytes reach the reader, never which bytes: merging small writes,
 * or one of the injected faults. Stages are chained, each pushing into the
 * next; the last one pushes into the pipe's {@link Outlet}.
 *
 * @internal
 */
export interface Stage {
  /** A non-empty chunk, in write order. The stage may keep it (no copy). */
  push(chunk: Uint8Array): void;
  /** End-of-stream, after every chunk pushed. */
  end(): void;
  /** A read is waiting and the reader's queue is empty: deliver what you can. */
  pull(): void;
  /** The reader is gone (abort, reset): drop what you hold, clear timers. */
  stop(): void;
}

/** The reader's end of a pipe, as the last stage sees it. @internal */
export interface Outlet extends Stage {
  /**
   * Hands `chunk` to the reader. `delivered` runs once it is the reader's,
   * before the capacity it frees admits writes waiting for it: where the
   * `resetAfter` fault fires, so those writes see the reset.
   */
  push(chunk: Uint8Array, delivered?: () => void): void;
  /** Reads waiting for data. */
  readonly waiting: number;
  /**
   * End-of-stream has arrived although a stage still holds it back behind
   * data it hands out read by read: the read half counts as ended.
   */
  arrived(): void;
}
