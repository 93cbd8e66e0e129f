/**
 * Reading and throwing away a request body the Worker refuses.
 *
 * An answer sent before the client has finished sending leaves the rest of the
 * body on the connection. Cancelling the stream is enough on Cloudflare's edge,
 * but local workerd (wrangler dev) then leaves the kept-alive connection stuck:
 * the next request on it never gets an answer. Reading the bytes (up to a bound,
 * after which the stream is cancelled anyway) keeps the connection usable.
 */
export async function discardBody(request: Request, maxBytes: number): Promise<void> {
  // The rest of a body partly read (an upload stopped at its byte cap) as well as an unread one; a locked one is
  // still being read by someone else.
  if (!request.body || request.body.locked) return;
  const reader = request.body.getReader();
  let read = 0;
  try {
    while (read <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to keep usable.
  }
}
