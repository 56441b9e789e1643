import net from 'node:net';

/**
 * HTTP/1.1 over a plain socket, byte for byte. fetch (and node:http) refuse to send a header with
 * a NUL, and normalise `..` in paths; a hostile client does neither. One connection per request
 * (`Connection: close`), so a hanging request cannot hold up the next.
 */
export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the request line. */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting to the end of the answer. */
  ms: number;
  /** Set when no complete answer came within the time limit, or the connection failed. */
  error?: string;
}

export function sendRaw(baseUrl: string, request: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  // Header values go out as raw bytes (latin1), NUL and all, as a socket-level client would send them.
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const ms = performance.now() - started;
      const parsed = parseResponse(Buffer.concat(chunks));
      if (!parsed)
        return resolve({ status: 0, headers: {}, body: '', ms, error: error ?? 'no complete HTTP response' });
      resolve({ ...parsed, ms, ...(error && !parsed.complete ? { error } : {}) });
    };
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(body ? Buffer.concat([head, body]) : head);
    });
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // The server may close while a large body is still being written (a 413); the answer read so far counts.
    socket.on('error', (error) => finish(error.message));
  });
}

function parseResponse(
  raw: Buffer,
): { status: number; headers: Record<string, string>; body: string; complete: boolean } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  let complete = true;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = decodeChunked(body);
    body = decoded.body;
    complete = decoded.complete;
  } else if (headers['content-length'] !== undefined) {
    complete = body.length >= Number(headers['content-length']);
  }
  return { status, headers, body: body.toString('utf8'), complete };
}

function decodeChunked(data: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
