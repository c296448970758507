// Protocol models and the BFS checker: see the issue on the explicit-state checker.
