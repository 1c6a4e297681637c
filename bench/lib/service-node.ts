// Runs a bench script that imports the service's own modules (as `@service/...`) in Node: esbuild
// bundles it (resolving `@service/x` to src/x), then a child Node process runs the bundle and
// prints one JSON line.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

/** Resolves `@service/x` to the service's src/x (esbuild). */
export function servicePlugin(root: string): Plugin {
  return {
    name: "service-modules",
    setup(b) {
      b.onResolve({ filter: /^@service\// }, async (args) => {
        const resolved = await b.resolve(`./${args.path.slice("@service/".length)}`, {
          resolveDir: join(root, "src"),
          kind: args.kind,
        });
        return resolved.errors.length ? { errors: resolved.errors } : { path: resolved.path };
      });
    },
  };
}

export async function runServiceScript<T>(
  root: string,
  entry: string,
  outfile: string,
  options: { env?: Record<string, string>; timeoutMs?: number; args?: string[] } = {},
): Promise<T> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
    plugins: [servicePlugin(root)],
    // Bundled CommonJS dependencies (pg inside the Neon driver) may call require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [outfile, ...(options.args ?? [])],
      { env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 },
      (err, out, errOut) => (err ? reject(new Error(`${entry} failed: ${err.message}\n${errOut}`)) : resolve(out)),
    );
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}
