// Language: lexer, parser, syntax tree, evaluator, values and diagnostics of the entk command
// language. It imports no numeric module: domain objects enter through the host-object protocol.
