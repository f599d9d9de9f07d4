"""deliver: channels (console, desktop, webhook, email, command) configured in config.toml."""
