// Package lint audits existing Dockerfiles, .dockerignore files, Makefiles and CI
// workflows for the Go-container mistakes berth's own output avoids: one small
// function per rule feeding one collector, BuildKit's own rule set beside them, and
// a build-flags policy for every `go build` line.
package lint
