"""exchange: tasks in and out of taskd. JSON export/import (taskd's own format, and Taskwarrior's
`task export`), and an iCalendar feed of the live tasks.

Plain functions over a database session that return plain data, so the CLI, the future HTTP API
and anything else call the same code. Nothing here prints or reads options.
"""

from __future__ import annotations

FORMAT = "taskd"
VERSION = 1
