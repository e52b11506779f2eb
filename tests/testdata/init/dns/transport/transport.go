// Package transport names the DNS transports and their standard ports.
package transport

const (
	DNS   = "dns"
	TLS   = "tls"
	GRPC  = "grpc"
	HTTPS = "https"
)

// Standard ports: plain DNS, DNS over TLS, DNS over gRPC, DNS over HTTPS.
const (
	Port      = "53"
	TLSPort   = "853"
	GRPCPort  = "443"
	HTTPSPort = "443"
)
