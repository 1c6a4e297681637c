// Preact through htm: components written as tagged templates, no build step. Text interpolated
// into a template is always a text node; nothing here ever sets HTML from a string.

import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "../vendor/hooks.mjs";
import htm from "../vendor/htm.mjs";
import { createContext, Fragment, h, render } from "../vendor/preact.mjs";

export const html = htm.bind(h);
export { createContext, Fragment, render, useCallback, useContext, useEffect, useMemo, useRef, useState };
