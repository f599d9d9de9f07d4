"""Agent tasks: a task of kind "agent" runs its text through the configured model at fire time.

The pieces, in the order a run uses them: `config` (the [agent] table: limits, budgets, the files
a task may read), `context` (what the store knows before the call: earlier outputs, budget use),
`prompt` (the messages sent), `runner` (the call, validation and re-asks), `record` (the run row
after the call). Nothing here executes model output or task text; both are only ever text.
"""
