"""The core layer: every operation once; faces parse, call it, render (see CORE.md)."""
