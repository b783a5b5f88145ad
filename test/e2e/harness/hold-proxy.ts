import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of the workspace that can hold the workspace's answer to
 * `POST /api/v1/feedback`: the request reaches the workspace (which stores it), but the extension
 * hears nothing until the held connection is dropped. It records every feedback body it forwarded, and
 * can move the time its answers carry (Date). The last 200 requests' methods and paths are kept.
 */
export async function startHoldProxy(target: () => string) {
  const held: ServerResponse[] = [];
  const feedbackPosts: string[] = [];
  /** The last requests forwarded or held, newest last (the bench waits for the extension's start-up sync). */
  const requests: Array<{ method: string; path: string; at: number }> = [];
  let holding = false;
  let refusing = false;
  let dateShiftMs = 0;
  const server = createServer((incoming, outgoing) => {
    if (refusing) {
      outgoing.socket?.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    requests.push({ method: incoming.method ?? '', path: incoming.url ?? '', at: Date.now() });
    if (requests.length > 200) requests.shift();
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const isFeedbackPost = incoming.method === 'POST' && incoming.url?.startsWith('/api/v1/feedback');
      if (isFeedbackPost) feedbackPosts.push(body.toString());
      const hold = holding && isFeedbackPost;
      const upstream = request(
        `${target()}${incoming.url}`,
        { method: incoming.method, headers: { ...incoming.headers, host: new URL(target()).host } },
        (answer) => {
          if (hold) {
            answer.resume();
            held.push(outgoing);
            return;
          }
          const headers = { ...answer.headers };
          if (dateShiftMs && headers.date)
            headers.date = new Date(Date.parse(headers.date) + dateShiftMs).toUTCString();
          outgoing.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    feedbackPosts,
    requests,
    held,
    hold(on: boolean) {
      holding = on;
    },
    /** Answers with a Date this far from the workspace's, as a browser whose clock is off would see it. */
    shiftDate(ms: number) {
      dateShiftMs = ms;
    },
    /** Drops every connection at once, as a workspace that is down would look. */
    refuse(on: boolean) {
      refusing = on;
    },
    /** Drops every held connection without an answer, as a dying network would. */
    dropHeld() {
      for (const response of held.splice(0)) response.socket?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
