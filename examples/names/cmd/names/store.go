package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// layoutVersion is the data directory's layout; migrate brings a directory to it.
const layoutVersion = 1

// Store keeps one file per name under Dir/records, holding an IPv4 address.
type Store struct{ Dir string }

var validName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// Migrate creates or upgrades the layout; running it again changes nothing.
func (s *Store) Migrate() error {
	if err := os.MkdirAll(filepath.Join(s.Dir, "records"), 0o755); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return os.WriteFile(filepath.Join(s.Dir, "VERSION"), []byte(strconv.Itoa(layoutVersion)+"\n"), 0o644)
}

// Version reads the layout version, 0 when the directory was never migrated.
func (s *Store) Version() int {
	b, err := os.ReadFile(filepath.Join(s.Dir, "VERSION"))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

func normalize(name string) (string, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if !validName.MatchString(name) {
		return "", fmt.Errorf("invalid name %q", name)
	}
	return name, nil
}

// Put stores addr for name, atomically.
func (s *Store) Put(name, addr string) error {
	name, err := normalize(name)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil || !ip.Is4() {
		return fmt.Errorf("invalid IPv4 address %q", addr)
	}
	tmp, err := os.CreateTemp(filepath.Join(s.Dir, "records"), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(ip.String() + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(s.Dir, "records", name))
}

// Get returns the address of name; ok is false when there is none.
func (s *Store) Get(name string) (netip.Addr, bool, error) {
	name, err := normalize(name)
	if err != nil {
		return netip.Addr{}, false, nil
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, "records", name))
	if errors.Is(err, os.ErrNotExist) {
		return netip.Addr{}, false, nil
	}
	if err != nil {
		return netip.Addr{}, false, err
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(string(b)))
	return ip, err == nil, err
}
