// The conformance harness's server mode cannot send headers, and `port mcp serve --http` requires a bearer token:
// this forwards every request (streaming, SSE included) to the server with the token added and nothing else changed.
// Usage: node bearer-proxy.mjs <target url> <token>; prints "proxy on http://127.0.0.1:PORT" once it listens.
import http from 'node:http';

const [, , target, token] = process.argv;
const upstream = new URL(target);
const server = http.createServer((request, response) => {
  const headers = { ...request.headers, authorization: `Bearer ${token}` };
  const forward = http.request({ host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  forward.on('error', (error) => {
    if (!response.headersSent) {
      response.writeHead(502);
    }
    response.end(String(error));
  });
  request.pipe(forward);
});
server.listen(0, '127.0.0.1', () => console.log(`proxy on http://127.0.0.1:${server.address().port}`));
