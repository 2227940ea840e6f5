// Drives `port mcp serve` with the official TypeScript SDK client, over stdio or Streamable HTTP, and prints what it saw
// as one JSON document on standard output; Port.Sdk.Mcp.Tests (PortMcpServeClientTests) asserts on it.
// Usage: node catalog-client.mjs stdio <command> [args...]
//        node catalog-client.mjs http <url>          (the bearer token is read from PORT_MCP_TOKEN)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const [mode, target, ...rest] = process.argv.slice(2);
const transport = mode === "stdio"
  ? new StdioClientTransport({ command: target, args: rest, stderr: "inherit" })
  : new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers: { Authorization: `Bearer ${process.env.PORT_MCP_TOKEN}` } } });

const client = new Client({ name: "port-sdk-tests", version: "1.0.0" });
await client.connect(transport);

const report = { server: client.getServerVersion(), tools: [], valid: {}, invalid: [], unknownTool: null, pages: [] };

const listed = await client.listTools();
report.tools = listed.tools.map(t => ({ name: t.name, title: t.title, annotations: t.annotations, inputSchema: t.inputSchema, hasOutputSchema: !!t.outputSchema }));

// callTool validates structuredContent against the tool's outputSchema and throws when it does not match.
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  return { isError: !!result.isError, text: result.content?.[0]?.text ?? null, structured: result.structuredContent ?? null };
}

report.valid.search = await call("search_entities", { blueprint: "service", query: { combinator: "and", rules: [{ property: "tier", operator: "=", value: "gold" }] } });
report.valid.entity = await call("get_entity", { blueprint: "pullRequest", identifier: "pr-1", hops: 2 });
report.valid.entityNoHops = await call("get_entity", { blueprint: "pullRequest", identifier: "pr-1", hops: 0 });
report.valid.blueprints = await call("list_blueprints", {});
report.valid.scorecards = await call("get_scorecards", { scorecard: "readiness" });
report.valid.compose = await call("compose_context", { recipe: "owners", blueprint: "pullRequest", identifier: "pr-1" });
report.valid.missingEntity = await call("get_entity", { blueprint: "service", identifier: "nope" });

// Every page of one search, two entities at a time, by its cursors.
let cursor;
do {
  const page = await call("search_entities", { limit: 2, ...(cursor ? { cursor } : {}) });
  report.pages.push(page.structured.entities.map(e => `${e.blueprint}/${e.identifier}`));
  cursor = page.structured.nextCursor;
} while (cursor && report.pages.length < 20);

const invalid = [
  ["search_entities", { limit: 0 }], ["search_entities", { limit: 501 }], ["search_entities", { limit: 2.5 }],
  ["search_entities", { limit: -5 }], ["search_entities", { limit: "10" }], ["search_entities", { query: "tier" }],
  ["search_entities", { blueprint: 5 }], ["search_entities", { cursor: "not-a-cursor" }], ["search_entities", { blueprints: "service" }],
  ["search_entities", { query: { combinator: "xor", rules: [] } }],
  ["get_entity", { blueprint: "service", identifier: "payments-api", hops: -1 }], ["get_entity", { blueprint: "service", identifier: "payments-api", hops: 99 }],
  ["get_entity", { blueprint: "service" }], ["list_blueprints", { all: true }], ["get_scorecards", { scorecard: 3 }],
  ["compose_context", { recipe: "owners", blueprint: "pullRequest" }], ["compose_context", { recipe: "nope", blueprint: "pullRequest", identifier: "pr-1" }],
];
for (const [name, args] of invalid) {
  report.invalid.push({ tool: name, arguments: args, ...(await call(name, args)) });
}

try {
  await client.callTool({ name: "no_such_tool", arguments: {} });
} catch (error) {
  report.unknownTool = error instanceof McpError ? { code: error.code, message: error.message } : { code: null, message: String(error) };
}

await client.close();
process.stdout.write(JSON.stringify(report));
