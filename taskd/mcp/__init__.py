"""taskd as an MCP server: agents add and manage the user's tasks through taskd's own tools.

`taskd mcp` serves it over stdio; `taskd.mcp.server.McpHttp` / `http_app` serve it over streamable
HTTP for the API's TCP listener. The SDK is imported only here, never on the CLI's thin path.
"""
