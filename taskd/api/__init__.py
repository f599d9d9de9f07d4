"""api: the HTTP API of `taskd serve` (CONTRACT §6), on the service's Unix socket and, when
`[api] listen` or TASKD_API_LISTEN is set, on TCP with a bearer token.

Only `token` and `listen` are light (the CLI reads them); the rest imports FastAPI and uvicorn
and is loaded by the service alone.
"""
