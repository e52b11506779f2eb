package server

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Options configure a broker; a configuration file sets the listeners other than the
// client's.
type Options struct {
	Host       string
	Port       int
	HTTPHost   string
	HTTPPort   int
	ConfigFile string
	Cluster    ListenerOpts
	LeafNode   ListenerOpts
	Gateway    ListenerOpts
	Websocket  ListenerOpts
	Remotes    []*url.URL
}

// ListenerOpts is one optional listener.
type ListenerOpts struct {
	Host string
	Port int
}

// ConfigureOptions reads the command line.
func ConfigureOptions(fs *flag.FlagSet, args []string) (*Options, error) {
	opts := &Options{}
	fs.IntVar(&opts.Port, "port", 0, "Port to listen on.")
	fs.IntVar(&opts.Port, "p", 0, "Port to listen on.")
	fs.StringVar(&opts.Host, "addr", "", "Network host to listen on.")
	fs.IntVar(&opts.HTTPPort, "m", 0, fmt.Sprintf("HTTP port for monitoring (e.g. %d).", MONITOR_PORT))
	fs.StringVar(&opts.ConfigFile, "c", "", "Configuration file.")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if opts.ConfigFile != "" {
		if err := opts.processConfigFile(opts.ConfigFile); err != nil {
			return nil, err
		}
	}
	setBaselineOptions(opts)
	return opts, nil
}

// processConfigFile reads "name port" lines: cluster 6222, leafnode 7422, ….
func (o *Options) processConfigFile(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		var name string
		var port int
		if _, err := fmt.Sscan(line, &name, &port); err != nil {
			continue
		}
		switch name {
		case "cluster":
			o.Cluster.Port = port
		case "leafnode":
			o.LeafNode.Port = port
		case "gateway":
			o.Gateway.Port = port
		case "websocket":
			o.Websocket.Port = port
		case "remote":
			u, err := url.Parse(fmt.Sprint(port))
			if err == nil {
				o.Remotes = append(o.Remotes, u)
			}
		}
	}
	return nil
}

func setBaselineOptions(o *Options) {
	if o.Host == "" {
		o.Host = DEFAULT_HOST
	}
	if o.Port == 0 {
		o.Port = DEFAULT_PORT
	} else if o.Port == RANDOM_PORT {
		o.Port = 0
	}
	if o.HTTPHost == "" {
		o.HTTPHost = o.Host
	}
	for _, l := range []*ListenerOpts{&o.Cluster, &o.LeafNode, &o.Gateway, &o.Websocket} {
		if l.Port != 0 && l.Host == "" {
			l.Host = DEFAULT_HOST
		}
	}
}
