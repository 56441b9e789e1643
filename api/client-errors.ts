import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

import { type Problem, problem } from './problem.js';

/**
 * Requests that Node's HTTP parser refuses before Express sees them (a header with a NUL or
 * another byte HTTP forbids, a request line or headers over the 16 KB limit, a malformed request
 * line) are answered with a problem document like every other error, instead of Node's bare
 * `400 Bad Request` or `431` with no body and no type. Found by fuzzing (issue 14).
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away, or a socket already written to (a keep-alive answer in flight), gets nothing.
    if (
      error.code === 'ECONNRESET' ||
      !socket.writable ||
      (socket as Duplex & { _httpMessage?: unknown })._httpMessage
    ) {
      socket.destroy();
      return;
    }
    socket.end(rawProblemResponse(clientErrorProblem(error)));
  });
}

export function clientErrorProblem(error: NodeJS.ErrnoException): Problem {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: 'https://jointdemand.eu/problems/request-header-fields-too-large',
      title: 'Request header fields too large',
      status: 431,
      detail: 'The request line and headers must together stay under 16 KB',
      code: 'invalid_input',
      errors: [{ field: '(headers)', rule: 'request line and headers at most 16 KB' }],
    };
  }
  if (
    error.code === 'HPE_INVALID_HEADER_TOKEN' ||
    error.code === 'HPE_INVALID_HEADER_VALUE' ||
    error.code === 'HPE_LF_EXPECTED' ||
    error.code === 'HPE_CR_EXPECTED'
  ) {
    return problem('invalid_input', 'A header is not valid HTTP', [
      {
        field: '(headers)',
        rule: 'names and values must be visible ASCII or Latin-1 text, without NUL or other controls',
      },
    ]);
  }
  if (error.code === 'HPE_INVALID_URL' || error.code === 'HPE_INVALID_METHOD') {
    return problem('invalid_input', 'The request line is not valid HTTP', [
      { field: '(request line)', rule: 'must be a method, a path and the HTTP version' },
    ]);
  }
  return problem('invalid_input', 'The request is not valid HTTP', [
    { field: '(request)', rule: 'must be valid HTTP/1.1' },
  ]);
}

function rawProblemResponse(p: Problem): string {
  const body = JSON.stringify(p);
  const reason = p.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return [
    `HTTP/1.1 ${p.status} ${reason}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
