import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to the extension's next calls to the workspace:
 * - `pass`: forwards them;
 * - `error-before`: answers 503 without forwarding; `error-after`: forwards (the workspace stores the
 *   batch) and answers 502 all the same;
 * - `rate-limited`: answers 429 with `Retry-After: 1`;
 * - `hang`: forwards, keeps the answer, and drops the connection a few seconds later unanswered;
 * - `reset`: drops the connection before forwarding;
 * - `truncate`: forwards and sends half of the answer's body, then drops the connection;
 * - `offline`: drops every connection at once, as a network that is gone.
 */
export type Fault =
  | 'pass'
  | 'error-before'
  | 'error-after'
  | 'rate-limited'
  | 'hang'
  | 'reset'
  | 'truncate'
  | 'offline';

export interface ChaosProxy {
  url: string;
  fault(fault: Fault): void;
  /**
   * Arms `fault` to begin with the next feedback batch, which meets it (verdicts wait out their Undo
   * window before they are sent, so a fault begun at once would be over before any batch came). Resolves
   * when it has begun; `disarm` takes it back if no batch came.
   */
  armFault(fault: Fault): Promise<void>;
  disarm(): void;
  /** Called as each feedback batch is forwarded (the chaos suite kills the workspace mid-batch here). */
  onFeedbackPost(hook: (() => void) | null): void;
  feedbackPosts(): number;
  /** Feedback batches forwarded whose answer has not gone back to the extension yet. */
  feedbackInFlight(): number;
  close(): Promise<void>;
}

const HANG_MS = 3_000;

export async function startChaosProxy(target: () => string): Promise<ChaosProxy> {
  let fault: Fault = 'pass';
  let armed: { fault: Fault; struck(): void } | null = null;
  let hook: (() => void) | null = null;
  let posts = 0;
  let inFlight = 0;
  const hanging = new Set<ServerResponse>();
  const server = createServer((incoming, outgoing) => {
    if (armed && incoming.method === 'POST' && incoming.url?.startsWith('/api/v1/feedback')) {
      fault = armed.fault;
      armed.struck();
      armed = null;
    }
    if (fault === 'offline' || fault === 'reset') {
      outgoing.socket?.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const now = fault;
      const isFeedbackPost = incoming.method === 'POST' && incoming.url?.startsWith('/api/v1/feedback');
      if (now === 'error-before') {
        outgoing.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503 Service Unavailable</h1>');
        return;
      }
      if (now === 'rate-limited') {
        outgoing
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
          .end('{"error":{"code":"rate_limited","message":"Slow down."}}');
        return;
      }
      if (isFeedbackPost) {
        posts++;
        inFlight++;
        outgoing.once('close', () => inFlight--);
        hook?.();
      }
      const upstream = request(
        `${target()}${incoming.url}`,
        { method: incoming.method, headers: { ...incoming.headers, host: new URL(target()).host } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('error', () => outgoing.socket?.destroy());
          answer.on('end', () => {
            const whole = Buffer.concat(body);
            if (now === 'error-after') {
              outgoing.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
            } else if (now === 'hang') {
              hanging.add(outgoing);
              setTimeout(() => {
                hanging.delete(outgoing);
                outgoing.socket?.destroy();
              }, HANG_MS).unref();
            } else if (now === 'truncate') {
              outgoing.writeHead(answer.statusCode ?? 200, {
                ...answer.headers,
                'content-length': String(whole.length),
              });
              outgoing.write(whole.subarray(0, Math.floor(whole.length / 2)));
              setTimeout(() => outgoing.socket?.destroy(), 50).unref();
            } else {
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers).end(whole);
            }
          });
        },
      );
      upstream.on('error', () => outgoing.socket?.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fault(next) {
      fault = next;
    },
    armFault(next) {
      return new Promise<void>((struck) => {
        armed = { fault: next, struck };
      });
    },
    disarm() {
      armed = null;
    },
    onFeedbackPost(next) {
      hook = next;
    },
    feedbackPosts: () => posts,
    feedbackInFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
