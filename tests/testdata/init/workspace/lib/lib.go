// Package lib is a library of the workspace; nothing here is a command.
package lib

// Greeting is shared text.
const Greeting = "hello"
