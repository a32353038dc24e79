import type { Outlet, Stage } from './stage.js';

/** Chunks smaller than this may be merged into one read. */
export const SMALL_CHUNK = 1024;
/** Size of a buffer that collects small writes; one read returns at most one. */
export const STAGE_SIZE = 16 * 1024;
/**
 * Microtask hops a waiting read gives a writer that keeps adding small data
 * before it stops checking every microtask and waits for a full stage or the
 * next macrotask instead.
 */
const HOP_LIMIT = 4;
/**
 * Reads served at once, without a hop, after a hop found that the writer
 * paused on its first turn; then a hop decides again.
 */
export const PROMPT_READS = 16;

// `then` on a settled promise queues a bare microtask; Node's `queueMicrotask`
// wraps each callback in an AsyncResource, several times dearer per call.
const TICK: Promise<void> = Promise.resolve();
// Taken at load, so a test's fake timers cannot hold a waiting read back.
const later: (callback: () => void) => void = (() => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return typeof immediate === 'function'
    ? (callback) => void immediate(callback)
    : (callback) => void setTimeout(callback, 0);
})();

function copyInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  const n = source.length;
  // For a few bytes a plain loop beats the fixed cost of `set`.
  if (n <= 32) for (let i = 0; i < n; i++) target[offset + i] = source[i]!;
  else target.set(source, offset);
}

/**
 * The stage that merges small writes: a stream of tiny writes reaches the
 * reader as few large reads instead of a promise round trip per write.
 *
 * - A chunk of {@link SMALL_CHUNK} bytes or more passes as is (zero-copy),
 *   after the small data held before it.
 * - Small chunks are held as a run: the first one as is, and once a second
 *   one arrives both are copied into a {@link STAGE_SIZE} buffer that later
 *   small chunks fill. A run is passed on when it reaches `flushAt` bytes,
 *   before a large chunk, at the end of the stream, and when a read waits
 *   and the writer pauses.
 * - A waiting read is served one microtask after small data arrives, and
 *   again later while the writer keeps adding within the same run of
 *   microtasks: a writer that awaits each 16-byte write then fills one
 *   merged read. After {@link HOP_LIMIT} hops that all saw more data the
 *   writer is streaming, and a hop per write would cost as much as the
 *   write itself: the read is then served once `flushAt` bytes are held or
 *   at the next macrotask, which only runs once the writer pauses. A read
 *   that finds {@link SMALL_CHUNK} bytes or more held is served at once.
 * - A writer that added nothing on its turn is answering or asking (request
 *   and response, ping-pong): the hops would only delay its lone writes. The
 *   next {@link PROMPT_READS} times a read waits for small data (a small
 *   write finds it waiting, or it finds small data held) the data is passed
 *   on at once; then a hop decides again, so a writer that starts streaming
 *   is merged again after at most that many reads.
 *
 * @internal
 */
export class Merge implements Stage {
  readonly #next: Outlet;
  readonly #flushAt: number;
  /** The held run: a lone chunk, or a stage buffer whose first `#length` bytes are data. */
  #run: Uint8Array | undefined;
  #length = 0;
  #staged = false;
  #stopped = false;
  #hopScheduled = false;
  /** The run's length at the last hop: unchanged means the writer paused. */
  #hopMark = 0;
  #hops = 0;
  #idleScheduled = false;
  /** Reads still served at once (see {@link PROMPT_READS}). */
  #prompt = 0;

  /** `flushAt`: bytes of a run that are passed on without waiting (≤ {@link STAGE_SIZE}). */
  constructor(next: Outlet, flushAt: number) {
    this.#next = next;
    this.#flushAt = flushAt;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n >= SMALL_CHUNK) {
      if (this.#run !== undefined) this.#flush();
      this.#next.push(chunk);
      return;
    }
    const run = this.#run;
    // Checked first: a stream of small writes spends its time filling a stage buffer.
    if (this.#staged && this.#length + n <= STAGE_SIZE) {
      copyInto(run!, this.#length, chunk);
      this.#length += n;
    } else if (run === undefined) {
      this.#run = chunk;
      this.#length = n;
    } else if (!this.#staged) {
      const stage = new Uint8Array(STAGE_SIZE);
      copyInto(stage, 0, run);
      copyInto(stage, this.#length, chunk);
      this.#run = stage;
      this.#staged = true;
      this.#length += n;
    } else {
      this.#flush();
      this.#run = chunk;
      this.#length = n;
    }
    if (this.#length >= this.#flushAt) this.#flush();
    else if (!this.#hopScheduled && !this.#idleScheduled && this.#next.waiting > 0) this.#serve();
  }

  end(): void {
    this.#flush();
    this.#next.end();
  }

  pull(): void {
    if (this.#run === undefined) return;
    if (this.#length >= SMALL_CHUNK) this.#flush();
    else this.#serve();
  }

  stop(): void {
    this.#stopped = true;
    this.#run = undefined;
    this.#staged = false;
  }

  #flush(): void {
    const run = this.#run;
    if (run === undefined) return;
    const data = this.#staged ? run.subarray(0, this.#length) : run;
    this.#run = undefined;
    this.#staged = false;
    this.#length = 0;
    this.#next.push(data);
  }

  /** A read waits for the small data held: served at once while {@link PROMPT_READS} allows, else after a hop. */
  #serve(): void {
    if (this.#prompt > 0) {
      this.#prompt--;
      this.#flush();
    } else this.#scheduleHop();
  }

  #scheduleHop(): void {
    if (this.#hopScheduled || this.#idleScheduled) return;
    this.#hopScheduled = true;
    // The first hop always passes, so the writer gets one turn to add more.
    this.#hopMark = -1;
    this.#hops = 0;
    TICK.then(this.#hop);
  }

  readonly #hop = (): void => {
    if (!this.#stopped && this.#length !== this.#hopMark && this.#run !== undefined) {
      this.#hopMark = this.#length;
      if (++this.#hops <= HOP_LIMIT) {
        TICK.then(this.#hop);
        return;
      }
      this.#hopScheduled = false;
      this.#idleScheduled = true;
      later(this.#idle);
      return;
    }
    this.#hopScheduled = false;
    // Only the first hop's check ran: the writer added nothing on its turn.
    if (this.#hops === 1) this.#prompt = PROMPT_READS;
    if (!this.#stopped) this.#flush();
  };

  readonly #idle = (): void => {
    this.#idleScheduled = false;
    if (!this.#stopped) this.#flush();
  };
}
