// Preact through htm, from the console's vendored copies (/console/vendor, written by
// scripts/static-assets.mjs): one copy of each library on the origin, no build step. Text put into
// a template is always a text node; nothing here sets HTML from a string.
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "../../console/vendor/hooks.mjs";
import htm from "../../console/vendor/htm.mjs";
import { createContext, Fragment, h, render } from "../../console/vendor/preact.mjs";

export const html = htm.bind(h);
export { createContext, Fragment, render, useCallback, useContext, useEffect, useMemo, useRef, useState };
