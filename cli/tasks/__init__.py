"""One function per command's work on one case, from (text, line, options) to a result
dataclass, with no I/O: eval (run_case), check, explain, graph, derive. The commands
(gradcli.cmd_*) turn options into a task's options and a task's result into output.

Layers: the cli edge -> gradcli.tasks -> gradcli.parser -> gradcli.engine
(tests/test_layers.py holds every import to that order)."""
