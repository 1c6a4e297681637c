// Services that act for a credential read it here: admin routes always run after authentication,
// so a missing actor is a wiring fault (500), never a caller's.
import type { Actor, ServiceDeps } from "./context";

export function requireActor(deps: Pick<ServiceDeps, "actor">): Actor {
  const actor = deps.actor();
  if (!actor) throw new Error("this service needs an authenticated actor");
  return actor;
}
