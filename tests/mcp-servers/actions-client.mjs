// Drives `port mcp serve --actions FILE --expose-actions` with the official TypeScript SDK client, over stdio or Streamable
// HTTP: lists the action tools, calls them, tracks their runs with get_action_run, and prints what it saw as one JSON document
// on standard output; Port.Sdk.Mcp.Tests (PortMcpServeClientTests.Actions.cs) asserts on it.
// Usage: node actions-client.mjs stdio <command> [args...]
//        node actions-client.mjs http <url>          (the bearer token is read from PORT_MCP_TOKEN)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const [mode, target, ...rest] = process.argv.slice(2);
const transport = mode === "stdio"
  ? new StdioClientTransport({ command: target, args: rest, stderr: "inherit" })
  : new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers: { Authorization: `Bearer ${process.env.PORT_MCP_TOKEN}` } } });

let step = "connect";
process.on("exit", code => { if (code !== 0) process.stderr.write(`actions-client.mjs failed at: ${step}\n`); });

const client = new Client({ name: "port-sdk-actions-tests", version: "1.0.0" });
await client.connect(transport);

step = "tools/list";
const listed = await client.listTools();
const report = {
  instructions: client.getInstructions() ?? null,
  tools: listed.tools.map(t => ({ name: t.name, title: t.title, annotations: t.annotations, inputSchema: t.inputSchema, hasOutputSchema: !!t.outputSchema })),
};

// callTool checks structuredContent against the tool's outputSchema (also for errors) and throws when it does not match.
async function call(name, args) {
  step = `tools/call ${name} ${JSON.stringify(args)}`;
  const result = await client.callTool({ name, arguments: args });
  return { isError: !!result.isError, text: result.content?.[0]?.text ?? null, structured: result.structuredContent ?? null };
}

// Tracks a run the way an AI client would: get_action_run with wait until the run ends (bounded number of calls).
async function track(id) {
  const seen = [];
  for (let i = 0; i < 10; i++) {
    const result = await call("get_action_run", { run: id, wait: true });
    seen.push(result.structured.run.status);
    if (["SUCCESS", "FAILURE", "DECLINED"].includes(result.structured.run.status)) {
      return { statuses: seen, run: result.structured.run, text: result.text };
    }
  }

  return { statuses: seen, run: null, text: null };
}

report.listAll = await call("list_actions", {});
report.listGold = await call("list_actions", { blueprint: "service", entity: "payments-api" });

report.deploy = await call("run_deploy_service", { entity: "payments-api", version: "2.0.0", replicas: 3 });
report.deployTracked = await track(report.deploy.structured.run.id);

report.scaffold = await call("run_scaffold_service", { name: "billing", language: "go" });
report.scaffoldTracked = await track(report.scaffold.structured.run.id);
report.scaffolded = await call("get_entity", { blueprint: "service", identifier: "billing", hops: 0 });

report.invalid = await call("run_deploy_service", { entity: "payments-api", version: "latest", replicas: 0 });
report.unavailable = await call("run_deploy_service", { entity: "search", version: "1.0.0" });
report.approval = await call("run_delete_service", { entity: "legacy" });
report.approvalTracked = await call("get_action_run", { run: report.approval.structured.run.id, wait: true });

// A recipe with 'actions: true' lists the actions available on the subject (as far as the allow-list goes).
report.compose = await call("compose_context", { recipe: "operate", blueprint: "service", identifier: "payments-api" });

step = "tools/call run_rotate_secrets (not allowed)";
try {
  await client.callTool({ name: "run_rotate_secrets", arguments: {} });
  report.notAllowed = null;
} catch (error) {
  report.notAllowed = error instanceof McpError ? { code: error.code, message: error.message } : { code: null, message: String(error) };
}

await client.close();
process.stdout.write(JSON.stringify(report));
