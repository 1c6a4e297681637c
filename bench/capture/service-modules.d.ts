// `@service/...` names the service's own modules (src/...) in code that esbuild bundles for Node
// (bench/lib/service-node.ts maps the prefix). They are typed as `any` here: src is type-checked by
// its own tsconfig with the Workers types, which this Node-side config does not load.
declare module "@service/*";
