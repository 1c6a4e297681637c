// The chart library (uPlot, about half of the console's bytes), fetched only when a screen draws a
// chart: the sign-in page and the list screens never load it. Its stylesheet comes with it, since
// uPlot lays its canvas out with those rules and would measure a bare element before they apply.

/** @type {Promise<typeof import("../vendor/uplot.mjs").default> | null} */
let loading = null;

/** Adds the stylesheet at `href` (CSP style-src 'self' allows it) and settles once it applies. */
function stylesheet(href) {
  const present = document.querySelector(`link[rel="stylesheet"][href="${href}"]`);
  if (present) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", () => resolve(undefined));
    link.addEventListener("error", () => {
      link.remove();
      reject(new Error("The chart's stylesheet could not be loaded."));
    });
    document.head.append(link);
  });
}

/**
 * uPlot's constructor, loaded on first use and shared after. A failed load is forgotten, so the
 * next chart tries again (a dropped connection should not break charts until a reload).
 */
export function loadChart() {
  loading ??= Promise.all([import("../vendor/uplot.mjs"), stylesheet(new URL("../vendor/uplot.css", import.meta.url).href)]).then(
    ([module]) => module.default,
    (error) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
