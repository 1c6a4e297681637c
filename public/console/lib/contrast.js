// WCAG 2 contrast between two `#rrggbb` colours, for the portal branding's accent check. The
// portal (public/portal/lib/brand.js) uses a seller's accent only where it reads at 4.5:1 as white
// text on it and as text on its light grey page, and keeps its own otherwise: the console warns
// by the same rule, so what the seller is told is what their customers will see.
// @see https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio

/** Text on a colour needs this much (WCAG AA, normal text). */
export const MIN_CONTRAST = 4.5;
export const WHITE = "#ffffff";
/** The portal's page background (public/portal/portal.css --bg), where its links are drawn. */
export const PORTAL_PAGE = "#f6f7f9";

export const isHexColour = (/** @type {string} */ value) => /^#[0-9a-f]{6}$/i.test(value);

/** @param {string} hex `#rrggbb` @returns {number} relative luminance, 0 to 1 */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** 4.4832 → "4.48": two decimals, so a ratio just under 4.5 never reads as "4.5". */
export const ratioText = (/** @type {number} */ ratio) => `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
