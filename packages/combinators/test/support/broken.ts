import type { Flow, ReadOptions } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';

/** How a method breaks the "results, not exceptions" contract. */
export type Breach = 'throws' | 'rejects' | 'returns no promise' | 'resolves a non-Result';

/** What every broken method throws, rejects with or resolves instead of a result. */
export const boom = new Error('boom');

/** The broken method's behaviour, and how the error message names it. */
const BREACH: Record<Breach, { readonly run: () => unknown; readonly says: string }> = {
  throws: {
    run: () => {
      throw boom;
    },
    says: 'threw: Error: boom',
  },
  rejects: { run: () => Promise.reject(boom), says: 'rejected: Error: boom' },
  'returns no promise': { run: () => 'nonsense', says: 'returned "nonsense", not a promise' },
  'resolves a non-Result': {
    run: () => Promise.resolve('nonsense'),
    says: 'resolved "nonsense", not a Result',
  },
};

/** Every breach a method returning a `Result` can commit. */
export const BREACHES = Object.keys(BREACH) as Breach[];

/** `close()` resolves `void`: any value is fine, so it has no "non-Result" breach. */
export const CLOSE_BREACHES = BREACHES.filter((b) => b !== 'resolves a non-Result');

/** The message the kernel's `brokenFlow` error carries for `method` broken this way. */
export function brokenMessage(method: string, breach: Breach): string {
  return `the flow broke its contract: ${method}() ${BREACH[breach].says}`;
}

type Method = 'read' | 'write' | 'writev' | 'closeWrite' | 'close';

/**
 * `inner` with one method broken (or none), recording every `abort` reason,
 * so a test can see that a combinator released the flows. `abortThrows`
 * makes `abort` throw after forwarding (the flow is torn down, but the call
 * breaks the contract).
 */
export class BrokenFlow extends ForwardingFlow {
  readonly aborts: unknown[] = [];
  readonly #method: Method | undefined;
  readonly #breach: Breach;
  readonly #abortThrows: boolean;

  constructor(inner: Flow, options: { method?: Method; breach?: Breach; abortThrows?: boolean } = {}) {
    super(inner);
    this.#method = options.method;
    this.#breach = options.breach ?? 'rejects';
    this.#abortThrows = options.abortThrows ?? false;
  }

  #broken(method: Method): boolean {
    return this.#method === method;
  }

  override read(options?: ReadOptions) {
    return this.#broken('read') ? (BREACH[this.#breach].run() as never) : super.read(options);
  }

  override write(buffer: Uint8Array) {
    return this.#broken('write') ? (BREACH[this.#breach].run() as never) : super.write(buffer);
  }

  override writev(buffers: readonly Uint8Array[]) {
    return this.#broken('writev') ? (BREACH[this.#breach].run() as never) : super.writev(buffers);
  }

  override closeWrite() {
    return this.#broken('closeWrite') ? (BREACH[this.#breach].run() as never) : super.closeWrite();
  }

  override close() {
    return this.#broken('close') ? (BREACH[this.#breach].run() as never) : super.close();
  }

  override abort(reason?: unknown): void {
    this.aborts.push(reason);
    super.abort(reason);
    if (this.#abortThrows) throw boom;
  }
}

/**
 * `inner` whose reads resolve `ok` with `value` (not bytes) up to `max` times,
 * then `EOF`: bounded, so a combinator that does not check what a read
 * resolved ends instead of growing memory until the process dies.
 */
export class ReadsNonBytes extends ForwardingFlow {
  reads = 0;
  readonly #value: unknown;
  readonly #max: number;

  constructor(inner: Flow, value: unknown, max = 1_000) {
    super(inner);
    this.#value = value;
    this.#max = max;
  }

  override read(options?: ReadOptions) {
    this.reads += 1;
    if (this.reads > this.#max) return super.read(options);
    return Promise.resolve({ ok: true, value: this.#value } as never);
  }
}

/** `p`'s value, or a rejection saying it hung: every case here must settle quickly. */
export async function within<T>(p: Promise<T>, ms = 2_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}
