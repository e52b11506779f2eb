package server

// Ports and hosts the broker knows. Only the client port is listened on by default.
const (
	DEFAULT_HOST = "0.0.0.0"
	DEFAULT_PORT = 4222 // client connections

	RANDOM_PORT = -1

	CLUSTER_PORT   = 6222 // routes between brokers, when a cluster block is configured
	LEAFNODE_PORT  = 7422
	GATEWAY_PORT   = 7522
	WEBSOCKET_PORT = 8443
	MONITOR_PORT   = 8222 // the conventional -m value

	// Remote leaf node URLs without a port use these.
	DEFAULT_REMOTE_HTTP_PORT  = 80
	DEFAULT_REMOTE_HTTPS_PORT = 443
)
