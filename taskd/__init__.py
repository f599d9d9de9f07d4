"""taskd: one line of text becomes a scheduled, delivered task.

The pipeline, module by module:
text -> extract (taskd.extract) -> draft (taskd.draft) -> resolve (taskd.resolve)
-> store (taskd.store) -> schedule (taskd.schedule) -> fire (taskd.fire)
-> deliver (taskd.deliver) -> learn (taskd.learn)
"""

__version__ = "0.1.0"
