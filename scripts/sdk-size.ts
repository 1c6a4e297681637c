// `npm run sdk:size`: the SDK's bundle size (minified + gzip), as the SDK's README reports it.
import { sdkSizes } from "./lib/sdk-size.ts";

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
for (const row of await sdkSizes(process.cwd())) {
  console.log(`${row.what.padEnd(40)} ${kib(row.minified).padStart(10)} minified  ${kib(row.gzip).padStart(9)} gzip`);
}
