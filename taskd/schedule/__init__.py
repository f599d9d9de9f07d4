"""schedule: the service core. The database is the only truth; APScheduler only wakes us up.

engine.Engine.tick(now) claims due runs (pending -> claimed, in a write transaction, before any
side effect), fires them, then records delivered/failed and plans the next run. service.Service
wraps it in a process: APScheduler wake-ups, the HTTP API (taskd.api), a lock, signals, sd_notify.
"""
