/** What @hono/node-server passes a request as its env (the values do not matter here). */
interface NodeRequestEnv {
  incoming: undefined;
  outgoing: undefined;
}

/** Any Hono app (method syntax: an app typed with its own bindings fits too). */
interface FetchApp {
  fetch(request: Request, env: NodeRequestEnv): Response | Promise<Response>;
}

/**
 * Runs `/healthz` through the app `times` times before the server takes its first request (Node).
 *
 * Why: a server started on a large embedded database sometimes stayed slow for its whole life.
 * Every request's Hono `Context` then missed the inline caches of the 15 stores in its field
 * initializers (`--log-ic`: `StoreIC … ^ → 1` on the same map, every request), a sixth of the
 * server's CPU, about 25 µs a send; the webhook answered at 0.50–0.65 of a bare Hono route instead
 * of about 0.8. It began with the first requests, made while the serving index was loading, and
 * not in every start (docs/benchmarks.md, Eighth session). Building the first Contexts here, on a
 * quiet heap before any request comes in, kept it away in every benchmark start measured since
 * (the misses counted with `--log-ic` in seven of them); why exactly is a V8 matter not pinned down.
 *
 * The env has the shape @hono/node-server gives real requests, so the Contexts built here look
 * like theirs. Returns how many of the requests answered 200.
 */
export async function warmRequestPath(app: FetchApp, times: number): Promise<number> {
  const env: NodeRequestEnv = { incoming: undefined, outgoing: undefined };
  let answered = 0;
  for (let i = 0; i < times; i++) {
    const response = await app.fetch(new Request('http://localhost/healthz'), env);
    await response.arrayBuffer();
    if (response.status === 200) answered++;
  }
  return answered;
}
