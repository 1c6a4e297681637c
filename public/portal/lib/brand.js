// The seller's look: its name in the title and header, its accent colour for buttons and links.
// A tenant picks any `#rrggbb`; the portal uses it only where it stays readable (WCAG AA, 4.5:1)
// both as white text on the colour (buttons) and as the colour on the page's near-white
// background (links), and keeps its own accent otherwise; the console's branding form warns by
// the same rule (public/console/lib/contrast.js), so what the seller is told is what customers
// see. The colour is set through the CSSOM (a custom property), which the CSP's `style-src 'self'`
// allows, unlike a style attribute.

/** The portal's own accent (portal.css --accent) and the lightest background it draws text on. */
export const DEFAULT_ACCENT = "#2f5bd3";
const PAGE_BACKGROUND = "#f6f7f9";
const WHITE = "#ffffff";
export const MIN_CONTRAST = 4.5;

/** @param {string} hex `#rrggbb` @returns {number} WCAG 2 relative luminance */
function luminance(hex) {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The accent to use: the seller's when it is a `#rrggbb` readable against white and the page
 * background, else the portal's own.
 * @param {string | null | undefined} color
 */
export function usableAccent(color) {
  // The API takes #rrggbb only; anything else is not the API's answer, and not used.
  if (typeof color !== "string" || !/^#[0-9a-f]{6}$/i.test(color)) return DEFAULT_ACCENT;
  return Math.min(contrast(color, WHITE), contrast(color, PAGE_BACKGROUND)) >= MIN_CONTRAST ? color.toLowerCase() : DEFAULT_ACCENT;
}

/**
 * Applies the branding to the document: accent colour and page title.
 * @param {import("./api.js").Schema<"PortalBranding"> | null | undefined} branding
 * @param {string} page what this page is, first in the title
 */
export function applyBranding(branding, page) {
  document.documentElement.style.setProperty("--accent", usableAccent(branding?.accent_color));
  document.title = `${page} · ${sellerName(branding)}`;
}

/** The seller as the customer knows it, or a neutral name. */
export const sellerName = (branding) => branding?.display_name || "License portal";

/**
 * A support link's target when it is safe to follow: an https (or http) URL, or an email address.
 * Anything else (`javascript:`, data:) is dropped, whatever the API said.
 * @param {string | null | undefined} url
 */
export function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
