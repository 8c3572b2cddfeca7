"""Triage's pages, one module each: decisions (the worklist and the decision), queues,
follow-up (information requests, the huddle, physical health, urgent actions, team tasks),
alerts (the notification centre) and performance (the wait dashboard and performance over
time). Thin: parse with a form, call one service or selector, render."""
