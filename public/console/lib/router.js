// Hash routes (#/licenses/lic_123?status=active): the console is static files, so every screen
// lives under /console/ and a reload lands on the same screen without any server-side routing.
import { useEffect, useState } from "./html.js";

/** @returns {{ parts: string[], params: URLSearchParams }} */
export function parseHash(hash = location.hash) {
  const [path, search = ""] = hash.replace(/^#\/?/, "").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const onChange = () => setRoute(parseHash());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** A link target: `href("licenses", id)` is `#/licenses/<id>`, with optional query parameters. */
export function href(...parts) {
  const last = parts.at(-1);
  const params = last && typeof last === "object" ? parts.pop() : null;
  const path = `#/${parts.map((p) => encodeURIComponent(String(p))).join("/")}`;
  if (!params) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const navigate = (target) => {
  location.hash = target;
};
