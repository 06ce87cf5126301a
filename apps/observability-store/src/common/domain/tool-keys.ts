// The tool keys of an agent event: every distinct tool name, plus `mcp__<server>__*` for each MCP
// server it called. Stored in an indexed array, they let one index lookup answer both "calls of tool X"
// and "calls of any tool of server S" (actuation patterns such as `mcp__nav2__*`).

const MCP_TOOL = /^(mcp__[A-Za-z0-9_-]+?__)[^*]/;

/** `mcp__nav2__` for `mcp__nav2__navigate_to_pose`; undefined for non-MCP tools. */
export function mcpServerPrefix(tool: string): string | undefined {
  return MCP_TOOL.exec(tool)?.[1];
}

export function toolKeys(tools: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const tool of tools) {
    keys.add(tool);
    const prefix = mcpServerPrefix(tool);
    if (prefix) keys.add(`${prefix}*`);
  }
  return [...keys];
}

/** True when `tool` is named by `pattern` (a tool name or `mcp__<server>__*`). */
export function toolMatches(pattern: string, tool: string): boolean {
  if (!pattern.endsWith('__*')) return pattern === tool;
  return mcpServerPrefix(tool) === pattern.slice(0, -1);
}

/** The tool-key filter of a `?tool=` parameter (a tool name or `mcp__<server>__*`). */
export function toolKeysFilter(tool: string | undefined): string[] | undefined {
  return tool ? [tool] : undefined;
}
