// Runs the project's own npm scripts the way the README shows them, and collects what they print.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s <script> -- <args>` with `env` added, from the repository root. */
export async function npmRun(script: string, args: string[] = [], env: Record<string, string> = {}, timeout = 120_000): Promise<Ran> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], {
      env: { ...process.env, ...env },
      timeout,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
