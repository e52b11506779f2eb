// Command pause is the sandbox container of the test cluster's pods: it holds the pod's
// namespaces and waits for a signal, like Kubernetes' own pause image, which this
// offline machine cannot pull.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
