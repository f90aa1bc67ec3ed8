// A loopback HTTP server for tests: records every request, serves with a handler, and closes with
// its connections (a handler that never answers leaves them open).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** performance.now() when it arrived. */
  readonly at: number;
}

export interface TestServer {
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** `<host>:<port>`. */
  readonly host: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

/** Serves `handler` on `127.0.0.1` (named `hostname` in the returned URL, e.g. `localhost`). */
export function startServer(handler: Handler, hostname = '127.0.0.1'): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const index = requests.length;
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      at: performance.now(),
    });
    handler(request, response, index);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${hostname}:${port}`,
        host: `${hostname}:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
