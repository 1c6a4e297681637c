// A circuit breaker per database, per isolate: after a few consecutive failures to reach Postgres,
// calls fail at once for a short cool-down (the degraded answers or a 503, not a wait for a
// deadline every installed app would sit through), then one call probes and the rest wait for it.

/** Consecutive failures that open the circuit. */
export const BREAKER_THRESHOLD = 3;
/** How long an open circuit refuses calls before letting one probe through. */
export const BREAKER_COOL_DOWN_MS = 5_000;

export type BreakerState = "closed" | "open" | "half_open";

/** Thrown instead of calling a database whose circuit is open. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor() {
    super("database circuit open: recent calls failed, waiting before the next attempt");
  }
}

export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  state(now = Date.now()): BreakerState {
    if (this.#failures < BREAKER_THRESHOLD) return "closed";
    return now < this.#openUntil ? "open" : "half_open";
  }

  /** May a call go to the database now? Half-open lets one probe through at a time. */
  admit(now = Date.now()): boolean {
    const state = this.state(now);
    if (state === "closed") return true;
    if (state === "open" || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openUntil = 0;
    this.#probing = false;
  }

  failed(now = Date.now()): void {
    this.#failures++;
    this.#probing = false;
    if (this.#failures >= BREAKER_THRESHOLD) this.#openUntil = now + BREAKER_COOL_DOWN_MS;
  }
}

const breakers = new Map<string, CircuitBreaker>();

/** The isolate's breaker for one database (by connection string). */
export function breakerFor(databaseUrl: string): CircuitBreaker {
  let breaker = breakers.get(databaseUrl);
  if (!breaker) {
    breaker = new CircuitBreaker();
    breakers.set(databaseUrl, breaker);
  }
  return breaker;
}

/**
 * Runs one database call through the breaker: refused at once while open, and its outcome
 * recorded (`unreachable` tells an outage from an ordinary error such as a constraint violation,
 * which proves the database answered).
 */
export async function throughBreaker<T>(breaker: CircuitBreaker, unreachable: (err: unknown) => boolean, call: () => Promise<T>): Promise<T> {
  if (!breaker.admit()) throw new CircuitOpenError();
  try {
    const result = await call();
    breaker.succeeded();
    return result;
  } catch (err) {
    if (unreachable(err)) breaker.failed();
    else breaker.succeeded();
    throw err;
  }
}
