// Vite's `?raw` imports (the text of a file), which the format tests use for the committed vectors.
declare module "*?raw" {
  const text: string;
  export default text;
}
