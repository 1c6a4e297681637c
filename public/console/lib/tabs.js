// The console's tabs sign in and out together, while the credential still lives only in each tab's
// sessionStorage: a new tab (or a shared link opened in one) asks the open tabs over a
// BroadcastChannel, which only pages of this origin in this browser can hear, and one that is
// signed in hands it its session. Never a cookie or storage that outlives the tabs: with every
// console tab closed the credential is gone. Signing out in one tab signs out all of them.
//
// Messages: { type: "ask", nonce } from a tab that has no session; { type: "session", nonce,
// session } in answer, for that asker only; { type: "signed-out" } when a seller signs out.

const CHANNEL = "license-console.session";

/** One channel per tab: a BroadcastChannel never hears its own messages, so a tab does not answer itself. */
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;

/** @typedef {import("./session.js").Session} Session */

/**
 * Answers other tabs' asks with this tab's session, read at the moment of asking (null: no answer),
 * and reports a sign-out made in another tab. Returns the function that stops listening.
 * @param {{ current: () => Session | null, signedOutElsewhere: () => void }} handlers
 */
export function listen({ current, signedOutElsewhere }) {
  if (!channel) return () => {};
  const onMessage = (/** @type {MessageEvent} */ event) => {
    const message = event.data;
    if (message?.type === "ask" && typeof message.nonce === "string") {
      const session = current();
      if (session) channel.postMessage({ type: "session", nonce: message.nonce, session });
    } else if (message?.type === "signed-out") {
      signedOutElsewhere();
    }
  };
  channel.addEventListener("message", onMessage);
  return () => channel.removeEventListener("message", onMessage);
}

/**
 * Asks the open tabs for their session. `take` gets each answer until it returns true (it took
 * that session); a late answer counts too, so a busy tab that answers after the sign-in form
 * appeared still signs this one in. Returns the function that stops asking: call it once this
 * tab signs in or out by itself.
 * @param {(session: unknown) => boolean} take
 */
export function ask(take) {
  if (!channel) return () => {};
  const nonce = crypto.randomUUID();
  let open = true;
  const onMessage = (/** @type {MessageEvent} */ event) => {
    if (!open || event.data?.type !== "session" || event.data.nonce !== nonce) return;
    if (take(event.data.session)) stop();
  };
  const stop = () => {
    open = false;
    channel.removeEventListener("message", onMessage);
  };
  channel.addEventListener("message", onMessage);
  channel.postMessage({ type: "ask", nonce });
  return stop;
}

/** Tells every other tab this seller signed out, so they forget the credential too. */
export function announceSignOut() {
  channel?.postMessage({ type: "signed-out" });
}
