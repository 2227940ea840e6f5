// Drives `port mcp serve` with the official TypeScript SDK client, over stdio or Streamable HTTP, and prints what it saw
// as one JSON document on standard output; Port.Sdk.Mcp.Tests (PortMcpServeClientTests) asserts on it.
// Usage: node catalog-client.mjs stdio <command> [args...]
//        node catalog-client.mjs http <url>          (the bearer token is read from PORT_MCP_TOKEN)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema, McpError, ProgressNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [mode, target, ...rest] = process.argv.slice(2);
const transport = mode === "stdio"
  ? new StdioClientTransport({ command: target, args: rest, stderr: "inherit" })
  : new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers: { Authorization: `Bearer ${process.env.PORT_MCP_TOKEN}` } } });

// What the client was doing, printed when it fails, so a test failure names the request.
let step = "connect";
let calls = 0;
process.on("exit", code => { if (code !== 0) process.stderr.write(`catalog-client.mjs failed at: ${step}\n`); });

const client = new Client({ name: "port-sdk-tests", version: "1.0.0" });
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, n => { logs.push({ level: n.params.level, data: n.params.data }); });
await client.connect(transport);

const report = { server: client.getServerVersion(), tools: [], valid: {}, invalid: [], unknownTool: null, pages: [] };

const listed = await client.listTools();
report.tools = listed.tools.map(t => ({ name: t.name, title: t.title, annotations: t.annotations, inputSchema: t.inputSchema, hasOutputSchema: !!t.outputSchema }));

// callTool validates structuredContent against the tool's outputSchema and throws when it does not match.
async function call(name, args) {
  step = `tools/call #${++calls} ${name} ${JSON.stringify(args)}`;
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

async function protocolError(action) {
  try {
    await action();
    return null;
  } catch (error) {
    return error instanceof McpError ? { code: error.code, message: error.message } : { code: null, message: String(error) };
  }
}

// Resources: the blueprints listed, both templates, reads by URI, and a URI with nothing behind it.
report.resources = (await client.listResources()).resources.map(r => ({ uri: r.uri, mimeType: r.mimeType }));
report.templates = (await client.listResourceTemplates()).resourceTemplates.map(t => t.uriTemplate);
report.readBlueprint = JSON.parse((await client.readResource({ uri: "port://blueprints/service" })).contents[0].text).identifier;
report.readEntity = JSON.parse((await client.readResource({ uri: "port://entities/pullRequest/pr-1" })).contents[0].text).identifier;
report.readMissing = await protocolError(() => client.readResource({ uri: "port://entities/service/nope" }));

// Completions of template and prompt arguments.
report.completeBlueprint = (await client.complete({ ref: { type: "ref/resource", uri: "port://entities/{blueprint}/{identifier}" }, argument: { name: "blueprint", value: "s" } })).completion.values;
report.completeIdentifier = (await client.complete({ ref: { type: "ref/prompt", name: "owners" }, argument: { name: "identifier", value: "pr-" }, context: { arguments: { blueprint: "pullRequest" } } })).completion.values;

// Prompts: one per recipe; get composes the context; a missing argument is a protocol error.
report.prompts = (await client.listPrompts()).prompts.map(p => ({ name: p.name, arguments: p.arguments.map(a => `${a.name}${a.required ? "!" : ""}`) }));
report.prompt = (await client.getPrompt({ name: "owners", arguments: { blueprint: "pullRequest", identifier: "pr-1" } })).messages.map(m => ({ role: m.role, text: m.content.text }));
report.promptMissingArgument = await protocolError(() => client.getPrompt({ name: "owners", arguments: { blueprint: "pullRequest" } }));

// Progress: compose_context with a progress token. The SDK runs notification handlers in a microtask but settles a
// response at once, so a progress notification read in the same chunk as the result reaches `onprogress` after its
// handler is gone (about 1 run in 6 over stdio, while the server sent it first). The notifications themselves, for a
// token sent by hand, are recorded here: every one the server sent before its result.
const progress = [];
client.setNotificationHandler(ProgressNotificationSchema, n => {
  if (n.params.progressToken === "compose-progress") progress.push({ progress: n.params.progress, total: n.params.total, message: n.params.message });
});
await client.callTool({ name: "compose_context", arguments: { recipe: "owners", blueprint: "pullRequest", identifier: "pr-1" }, _meta: { progressToken: "compose-progress" } });
report.progress = progress;

// Cancellation: a call aborted at once rejects on the client (which sends notifications/cancelled); the server serves on.
const abort = new AbortController();
const cancelled = client.callTool({ name: "search_entities", arguments: {} }, undefined, { signal: abort.signal });
abort.abort("the test cancels it");
report.cancelled = await cancelled.then(() => "completed", e => (e?.name ?? "") + ": " + String(e?.message ?? e));
report.afterCancel = (await call("list_blueprints", {})).structured.blueprints.length;

// Log notifications at the level set: debug shows one line per call; error shows none for a successful call.
await client.setLoggingLevel("debug");
await call("list_blueprints", {});
await client.setLoggingLevel("error");
await call("list_blueprints", {});
await client.setLoggingLevel("debug");
await call("get_scorecards", {});
report.logs = [...logs];

// The write tools, when the server offers them (port mcp serve --allow-writes).
if (report.tools.some(t => t.name === "create_entity")) {
  report.writes = {
    create: await call("create_entity", { entity: { identifier: "billing", blueprint: "service", properties: { url: "https://github.com/acme/billing", tier: "gold" } } }),
    invalid: await call("update_entity", { entity: { identifier: "billing", blueprint: "service", properties: { url: "https://github.com/acme/billing", tier: "platinum" } } }),
    merge: await call("update_entity", { entity: { identifier: "billing", blueprint: "service", properties: { tier: "silver" } }, merge: true }),
    badArgument: await call("delete_entity", { blueprint: "service", identifier: "billing", deleteDependents: "yes" }),
    delete: await call("delete_entity", { blueprint: "service", identifier: "billing" }),
    register: await call("register_blueprint", { blueprint: { identifier: "incident", schema: { properties: { severity: { type: "string" } } } } }),
  };
}

await client.close();
process.stdout.write(JSON.stringify(report));
