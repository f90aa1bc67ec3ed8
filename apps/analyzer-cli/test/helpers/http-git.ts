// A git smart-HTTP server for tests: `git http-backend` behind Basic authentication, so that the
// credential path (credential helpers) is exercised for real; it can also redirect, hang, or speak
// only git protocol v0.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TEST_GIT_ENV } from './git-repos.js';

/** A running server. */
export interface HttpGitServer {
  /** e.g. `http://127.0.0.1:40123`; repositories are under it by their path below `root`. */
  readonly url: string;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /**
   * Authorization headers seen (decoded `user:password`), request paths, and both per request
   * (`auth` is '' for a request without credentials).
   */
  readonly seen: { auth: string[]; paths: string[]; requests: { path: string; auth: string }[] };
  close(): Promise<void>;
}

/** Options of {@link startHttpGitServer}. */
export interface HttpGitServerOptions {
  /**
   * Redirects requests: the Location for a request path (with its query), or undefined to serve it.
   * `afterAuth: true` answers 401 first and redirects only requests that carry valid credentials.
   */
  readonly redirect?: ((path: string) => string | undefined) | undefined;
  readonly redirectAfterAuth?: boolean | undefined;
  /** Requests whose path starts with this are accepted and never answered (a server that hangs). */
  readonly hangPrefix?: string | undefined;
  /** Ignore the client's Git-Protocol header: git protocol v0, which refuses unadvertised commits. */
  readonly protocolV0?: boolean | undefined;
}

/**
 * Serves the bare repositories under `root`. Requests must carry Basic credentials equal to one of
 * `accounts` (`user` -> `password`); others get 401. Pushes are allowed for authenticated users.
 */
export async function startHttpGitServer(
  root: string,
  accounts: Readonly<Record<string, string>>,
  options: HttpGitServerOptions = {},
): Promise<HttpGitServer> {
  const seen = {
    auth: [] as string[],
    paths: [] as string[],
    requests: [] as { path: string; auth: string }[],
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    seen.paths.push(request.url ?? '');
    const header = request.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : '';
    if (decoded) seen.auth.push(decoded);
    seen.requests.push({ path: request.url ?? '', auth: decoded });
    if (options.hangPrefix !== undefined && url.pathname.startsWith(options.hangPrefix)) return;
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const authorized =
      colon >= 0 && accounts[user] !== undefined && accounts[user] === decoded.slice(colon + 1);
    const location = options.redirect?.(request.url ?? '/');
    if (location !== undefined && (authorized || !options.redirectAfterAuth)) {
      response.writeHead(302, { Location: location });
      response.end();
      request.resume();
      return;
    }
    if (!authorized) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      response.end('authentication required\n');
      request.resume();
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...TEST_GIT_ENV,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        REMOTE_USER: user,
        REMOTE_ADDR: '127.0.0.1',
        HTTP_CONTENT_ENCODING: String(request.headers['content-encoding'] ?? ''),
        HTTP_GIT_PROTOCOL: options.protocolV0 ? '' : String(request.headers['git-protocol'] ?? ''),
      },
    });
    request.pipe(cgi.stdin);
    let buffer = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        response.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const text = buffer.toString('latin1');
      const end = text.search(/\r?\n\r?\n/);
      if (end < 0) return;
      const separator = text.slice(end).startsWith('\r\n\r\n')
        ? 4
        : text.slice(end).startsWith('\n\n')
          ? 2
          : 3;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, end).split(/\r?\n/)) {
        const colonAt = line.indexOf(':');
        const name = line.slice(0, colonAt).trim();
        const value = line.slice(colonAt + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(status, headers);
      headersDone = true;
      response.write(buffer.subarray(end + separator));
    });
    cgi.on('close', () => response.end());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests keep their sockets open: end them, or close() waits for ever.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
