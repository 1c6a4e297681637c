// Floor "hello": the cheapest possible request on this runtime. A tiny JSON answer, no I/O, no
// middleware: what a request costs in workerd by itself.
const BODY = JSON.stringify({ ok: true });

export default {
  fetch(): Response {
    return new Response(BODY, { headers: { "Content-Type": "application/json" } });
  },
};
