package dep

// Hello is a vendored function.
func Hello() string { return "hello" }
