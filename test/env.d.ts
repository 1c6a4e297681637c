// Lets `exports.default` in tests carry the worker's own type.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}

// Vite's `?raw` imports (a file's text), as migration tests read SQL files.
declare module "*?raw" {
  const text: string;
  export default text;
}
