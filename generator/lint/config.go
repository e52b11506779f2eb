package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	yaml "go.yaml.in/yaml/v3"
)

// ConfigFile is the config berth lint reads from the current directory when none is named.
const ConfigFile = "berth-lint.yaml"

// ReadConfig reads a berth-lint.yaml strictly: an unknown key is an error. An empty name
// reads ConfigFile if it exists, else returns the empty config.
func ReadConfig(name string) (Config, error) {
	var cfg Config
	explicit := name != ""
	if !explicit {
		name = ConfigFile
	}
	data, err := readLimited(name)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}
