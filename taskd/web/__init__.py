"""The web page `taskd serve` shows at `/` (taskd.web.routes.router). Imports nothing heavy."""
