// The load generator: autocannon on loopback, in a worker thread, one bounded run at a time.
import { Worker } from "node:worker_threads";

export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  url: string;
  connections: number;
  durationS: number;
  /** Each connection cycles through these in order. */
  requests: LoadRequest[];
  /** Also keep every response's time, status and `License-Degraded` header (lib/outage.ts). */
  trace?: boolean;
}

/** A traced run's responses, in the order they completed, and its failed requests. */
export interface ResponseTrace {
  /** When each response completed, epoch ms (`performance.timeOrigin + performance.now()`). */
  at: number[];
  status: number[];
  /** Its latency, ms. */
  ms: number[];
  /** Answered `License-Degraded: true` (a VALID answer from the edge's snapshot). */
  degraded: boolean[];
  /** When each connection error or timeout happened, epoch ms. */
  failedAt: number[];
}

export interface LoadResult {
  /** Responses received. */
  requests: number;
  /** Requests sent: the difference was still in flight when the run stopped. */
  sent: number;
  durationS: number;
  rps: number;
  /** Milliseconds, from every response's own timing (not autocannon's 1 ms histogram buckets). */
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  trace?: ResponseTrace;
}

export class LoadGenerator {
  #worker = new Worker(new URL("./load-worker.ts", import.meta.url));
  #busy = false;

  run(job: LoadJob): Promise<LoadResult> {
    if (this.#busy) throw new Error("one load run at a time");
    this.#busy = true;
    return new Promise<LoadResult>((resolve, reject) => {
      const onMessage = (msg: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
        this.#worker.off("error", onError);
        this.#busy = false;
        if (msg.ok) resolve(msg.result);
        else reject(new Error(msg.error));
      };
      const onError = (err: Error) => {
        this.#worker.off("message", onMessage);
        this.#busy = false;
        reject(err);
      };
      this.#worker.once("message", onMessage);
      this.#worker.once("error", onError);
      this.#worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
