// Lets `exports.default` in tests carry the worker's own type.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}
