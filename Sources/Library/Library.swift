// Library: the bindings. Registers every builtin function and method of entk from tables,
// from which help, completion and Documentation/Reference.md are generated.
