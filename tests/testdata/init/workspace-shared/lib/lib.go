// Package lib is shared by the api and the worker through go.work only.
package lib

// Name is shared text.
const Name = "shared"
