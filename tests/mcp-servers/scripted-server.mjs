// A scripted MCP server for the connector's failure tests: raw JSON-RPC over stdio (default) or Streamable HTTP
// (--http PORT), with no SDK in between, so a test controls every byte (a crash before the reply, a result streamed
// in chunks whose consumption is recorded, content with annotations, list_changed notifications).
// Everything it does is recorded in the --state directory: methods.log (every method received) and
// executions.log (one line per tool execution, written before the tool's reply or crash).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const state = option("--state") ?? process.cwd();
const httpPort = option("--http");
const silent = argv.includes("--silent");
const maxBody = Number(option("--max-body") ?? Infinity);
// How an unknown session is answered: 404 (the specification), or 400 as servers on the TypeScript SDK do.
const sessionError = Number(option("--session-error") ?? 404);
const record = (file, line) => fs.appendFileSync(path.join(state, file), line + "\n");

const annotations = { audience: ["user"], priority: 0.5, lastModified: "2026-01-01T00:00:00Z" };
const png = Buffer.from("89504e470d0a1a0a", "hex").toString("base64");
let grown = false;

const tool = (name, extra = {}) => ({ name, description: `The ${name} tool.`, inputSchema: { type: "object" }, ...extra });
const tools = () => [
  tool("append", { inputSchema: { type: "object", properties: { text: { type: "string" }, crash: { type: "boolean" } }, required: ["text"] } }),
  tool("lookup", { annotations: { readOnlyHint: true } }),
  tool("blob", { inputSchema: { type: "object", properties: { length: { type: "integer" } }, required: ["length"] } }),
  tool("annotated"),
  tool("grow"),
  ...(grown ? [tool("grown")] : []),
];

// Each handler returns { result } or { error }, or { stream } (a function that writes the raw reply itself),
// or { notifications, result }; "crash" exits the process before any reply.
function handle(message) {
  const { method, params } = message;
  switch (method) {
    case "initialize":
      return { result: { protocolVersion: params?.protocolVersion ?? "2025-11-25", capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true } }, serverInfo: { name: "scripted", version: "1.0.0" } } };
    case "ping":
      return { result: {} };
    case "tools/list":
      return { result: { tools: tools() } };
    case "tools/call":
      return callTool(params.name, params.arguments ?? {});
    case "prompts/list":
      return { result: { prompts: [{ name: "review", description: "Review a pull request.", arguments: [{ name: "pr", required: true }] }] } };
    case "prompts/get":
      if (params?.name !== "review") {
        return { error: { code: -32602, message: `Unknown prompt: ${params?.name}` } };
      }
      return { result: { description: "A review.", messages: [
        { role: "user", content: { type: "text", text: `Review pull request ${params.arguments?.pr}.`, annotations } },
        { role: "assistant", content: { type: "resource", resource: { uri: "mem://readme", mimeType: "text/markdown", text: "# Readme" }, annotations } },
      ] } };
    case "resources/list":
      return { result: { resources: [{ uri: "mem://readme", name: "readme", mimeType: "text/markdown", annotations }] } };
    case "resources/templates/list":
      return { result: { resourceTemplates: [{ uriTemplate: "mem://items/{id}", name: "item", description: "An item by id.", mimeType: "application/json", annotations }] } };
    case "resources/read":
      return { result: { contents: [{ uri: params.uri, mimeType: "text/markdown", text: "# Readme" }] } };
    default:
      return { error: { code: -32601, message: `Method not found: ${method}` } };
  }
}

function callTool(name, args) {
  record("executions.log", name);
  switch (name) {
    case "append":
      if (args.crash) {
        process.exit(3);
      }
      return { result: { content: [{ type: "text", text: `appended ${args.text}` }] } };
    case "lookup":
      if (fs.existsSync(path.join(state, "crash-once"))) {
        fs.rmSync(path.join(state, "crash-once"));
        process.exit(3);
      }
      return { result: { content: [{ type: "text", text: "found" }] } };
    case "blob":
      return { stream: args.length };
    case "annotated":
      return { result: { content: [
        { type: "text", text: "hello", annotations },
        { type: "image", mimeType: "image/png", data: png, annotations },
        { type: "audio", mimeType: "audio/wav", data: png },
        { type: "resource_link", uri: "mem://readme", name: "readme", mimeType: "text/markdown", annotations },
        { type: "resource", resource: { uri: "mem://readme", mimeType: "text/markdown", text: "# Readme" }, annotations },
        { type: "resource", resource: { uri: "mem://logo", mimeType: "image/png", blob: png } },
      ] } };
    case "grow":
      grown = true;
      return { notifications: [{ jsonrpc: "2.0", method: "notifications/tools/list_changed" }], result: { content: [{ type: "text", text: "grown" }] } };
    default:
      return { result: { content: [{ type: "text", text: `no tool ${name}` }], isError: true } };
  }
}

// The blob result, written in 64 KiB chunks; blob.written holds how many bytes the reader has taken so far.
async function streamBlob(id, length, write) {
  const chunk = "A".repeat(65536);
  let written = 0;
  const count = (bytes) => {
    written += bytes;
    fs.writeFileSync(path.join(state, "blob.written"), String(written));
  };
  const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"image","mimeType":"image/png","data":"`;
  await write(head);
  count(head.length);
  for (let left = length; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.slice(0, left);
    if (!(await write(part))) {
      return;
    }
    count(part.length);
  }
  await write(`"}]}}`);
}

if (httpPort === undefined) {
  let buffer = "";
  const send = (message) => fs.writeSync(1, JSON.stringify(message) + "\n");
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", async (data) => {
    buffer += data;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() === "") {
        continue;
      }
      const message = JSON.parse(line);
      if (message.method === undefined) {
        continue;
      }
      record("methods.log", message.method);
      if (silent || message.id === undefined) {
        continue;
      }
      const reply = handle(message);
      for (const notification of reply.notifications ?? []) {
        send(notification);
      }
      if (reply.stream !== undefined) {
        // Pipes are written synchronously on Linux: each write waits for the reader to make room.
        await streamBlob(message.id, reply.stream, async (text) => (fs.writeSync(1, text), true));
        fs.writeSync(1, "\n");
      } else {
        send({ jsonrpc: "2.0", id: message.id, ...(reply.error ? { error: reply.error } : { result: reply.result }) });
      }
    }
  });
  process.stdin.on("end", () => process.exit(0));
} else {
  const sessions = new Set();
  const server = http.createServer((req, res) => {
    if (req.method === "GET") {
      res.writeHead(405).end();
      return;
    }
    if (req.method === "DELETE") {
      sessions.delete(req.headers["mcp-session-id"]);
      res.writeHead(200).end();
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      if (body.length > maxBody) {
        res.writeHead(413, { "content-type": "text/plain" }).end("Payload Too Large");
        return;
      }
      const message = JSON.parse(body);
      record("methods.log", message.method ?? "(response)");
      let session = req.headers["mcp-session-id"];
      if (message.method === "initialize") {
        session = randomUUID();
        sessions.add(session);
      } else if (!sessions.has(session)) {
        const error = sessionError === 400 ? { code: -32000, message: "Bad Request: No valid session ID provided" } : { code: -32001, message: "Session not found" };
        res.writeHead(sessionError, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error }));
        return;
      }
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const reply = handle(message);
      if (reply.stream !== undefined) {
        res.writeHead(200, { "content-type": "application/json", "mcp-session-id": session });
        let closed = false;
        res.on("close", () => (closed = true));
        await streamBlob(message.id, reply.stream, (text) => new Promise((resolve) => {
          if (closed) {
            resolve(false);
          } else if (res.write(text)) {
            resolve(true);
          } else {
            const done = () => resolve(!closed);
            res.once("drain", done);
            res.once("close", done);
          }
        }));
        res.end();
        return;
      }
      const response = { jsonrpc: "2.0", id: message.id, ...(reply.error ? { error: reply.error } : { result: reply.result }) };
      if (reply.notifications) {
        res.writeHead(200, { "content-type": "text/event-stream", "mcp-session-id": session });
        for (const notification of reply.notifications) {
          res.write(`event: message\ndata: ${JSON.stringify(notification)}\n\n`);
        }
        res.end(`event: message\ndata: ${JSON.stringify(response)}\n\n`);
      } else {
        res.writeHead(200, { "content-type": "application/json", "mcp-session-id": session }).end(JSON.stringify(response));
      }
    });
  });
  server.listen(Number(httpPort), "127.0.0.1", () => process.stderr.write(`listening on ${server.address().port}\n`));
}
