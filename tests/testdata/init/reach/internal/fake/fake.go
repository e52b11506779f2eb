// Package fake is a stand-in upstream for the tests; main never starts it.
package fake

import "net"

// Name labels answers.
const Name = "prober"

// Start listens like the real upstream would.
func Start() (net.Listener, error) { return net.Listen("tcp", ":9853") }
