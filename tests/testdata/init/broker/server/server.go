package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Server is a running broker.
type Server struct {
	opts      *Options
	mu        sync.Mutex
	listeners []net.Listener
}

// New makes a broker for the options.
func New(opts *Options) *Server { return &Server{opts: opts} }

// Start opens the client listener, and the others the options enable.
func (s *Server) Start() error {
	if s.opts.HTTPPort != 0 {
		if err := s.StartMonitoring(); err != nil {
			return err
		}
	}
	for _, l := range []ListenerOpts{s.opts.Cluster, s.opts.LeafNode, s.opts.Gateway, s.opts.Websocket} {
		if l.Port != 0 {
			if err := s.listen(l.Host, l.Port, s.route); err != nil {
				return err
			}
		}
	}
	for _, u := range s.opts.Remotes {
		go s.connectToRemote(u)
	}
	return s.AcceptLoop()
}

// AcceptLoop listens for clients.
func (s *Server) AcceptLoop() error {
	return s.listen(s.opts.Host, s.opts.Port, s.client)
}

func (s *Server) listen(host string, port int, serve func(net.Conn)) error {
	hp := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", hp)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", hp, err)
	}
	s.mu.Lock()
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return nil
}

// StartMonitoring serves /varz and /healthz on the -m port.
func (s *Server) StartMonitoring() error {
	hp := net.JoinHostPort(s.opts.HTTPHost, strconv.Itoa(s.opts.HTTPPort))
	l, err := net.Listen("tcp", hp)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, `{"status":"ok"}`) })
	mux.HandleFunc("/varz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "{}") })
	go http.Serve(l, mux)
	return nil
}

func (s *Server) client(c net.Conn) {
	defer c.Close()
	fmt.Fprintf(c, "INFO {\"port\":%d}\r\n", s.opts.Port)
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		if sc.Text() == "PING" {
			fmt.Fprint(c, "PONG\r\n")
		}
	}
}

func (s *Server) route(c net.Conn) { c.Close() }

// connectToRemote dials a remote leaf node; URLs without a port use the scheme's.
func (s *Server) connectToRemote(u *url.URL) {
	port := u.Port()
	if port == "" {
		port = strconv.Itoa(DEFAULT_REMOTE_HTTP_PORT)
		if u.Scheme == "wss" || u.Scheme == "tls" {
			port = strconv.Itoa(DEFAULT_REMOTE_HTTPS_PORT)
		}
	}
	c, err := net.Dial("tcp", net.JoinHostPort(u.Hostname(), port))
	if err == nil {
		c.Close()
	}
}

// Shutdown closes the listeners.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.listeners {
		l.Close()
	}
}
