// Package config reads the service's config file, mounted from a ConfigMap in
// Kubernetes and baked-in defaults otherwise.
package config

import (
	"bufio"
	"os"
	"strings"
)

// Config is the subset of config/app.yaml both binaries read.
type Config struct {
	Greeting string
	Queue    string
}

// Load reads simple "key: value" lines from path; a missing file keeps the defaults.
func Load(path string) (Config, error) {
	c := Config{Greeting: "hello", Queue: "jobs"}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.TrimSpace(k) {
		case "greeting":
			c.Greeting = v
		case "queue":
			c.Queue = v
		}
	}
	return c, s.Err()
}

// Path is where the config file is mounted; CONFIG_FILE overrides it.
func Path() string {
	if p := os.Getenv("CONFIG_FILE"); p != "" {
		return p
	}
	return "/etc/multi-binary/app.yaml"
}
