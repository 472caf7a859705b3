import { availableParallelism } from 'node:os';

/**
 * A process-wide cap on concurrent password hashing (scrypt: 32 MiB and ~50-100 ms of a
 * CPU core each, on the libuv pool). The verify path signs and checks ES256 on the same
 * pool and needs CPU: password checks may use at most half the cores (at least one); an
 * excess caller is refused at once (the sign-in endpoint answers 429) instead of queueing.
 */
export const PASSWORD_CHECK_CONCURRENCY = Math.max(1, Math.floor(availableParallelism() / 2));

export class PasswordGateBusy extends Error {
  constructor() {
    super('password checks at capacity');
    this.name = 'PasswordGateBusy';
  }
}

export class PasswordGate {
  private running = 0;

  constructor(readonly capacity = PASSWORD_CHECK_CONCURRENCY) {}

  get inUse() {
    return this.running;
  }

  get full() {
    return this.running >= this.capacity;
  }

  /** Runs `fn` in a free slot, or throws PasswordGateBusy without running it. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.capacity) throw new PasswordGateBusy();
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
    }
  }
}

const slot = globalThis as unknown as { __posternPasswordGate?: PasswordGate };
/** The one gate of this process. */
export const passwordGate = (slot.__posternPasswordGate ??= new PasswordGate());
