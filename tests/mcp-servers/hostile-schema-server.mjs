// An MCP server (stdio) whose tools declare input schemas that are expensive to check, for the connector's
// argument-checking limits. Uses the SDK that server-everything brings into node_modules.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

// oneOf [d(i-1), not d(i-1)]: exactly one branch matches, and both are evaluated, so checking costs 2^levels.
const levels = 40;
const defs = { d0: { type: "object" } };
for (let i = 1; i <= levels; i++) {
  defs[`d${i}`] = { oneOf: [{ $ref: `#/$defs/d${i - 1}` }, { not: { $ref: `#/$defs/d${i - 1}` } }] };
}

const tools = [
  {
    name: "fanout",
    description: "Accepts any object; its schema fans out 2^40 ways.",
    inputSchema: { type: "object", $defs: defs, $ref: `#/$defs/d${levels}` },
  },
  {
    name: "unique",
    description: "Counts distinct items.",
    inputSchema: { type: "object", properties: { items: { type: "array", uniqueItems: true } }, required: ["items"] },
  },
];

const server = new Server({ name: "hostile-schema", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const items = request.params.arguments?.items;
  const text = Array.isArray(items) ? `${items.length} items` : "called";
  return { content: [{ type: "text", text }] };
});

await server.connect(new StdioServerTransport());
