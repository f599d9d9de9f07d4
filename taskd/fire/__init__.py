"""fire: turn a claimed run into a message and hand it to the task's channels."""
