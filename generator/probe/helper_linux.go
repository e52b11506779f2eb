//go:build linux

package probe

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/berth-dev/berth/generator/detect"
)

// namespacesAvailable refuses early where the kernel has no network namespaces.
func namespacesAvailable() error {
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return fmt.Errorf("--probe needs Linux network namespaces, and /proc/self/ns/net is missing (%v); run berth init without --probe", err)
	}
	return nil
}

// namespaceAttr puts the helper in a new network namespace; unless berth runs as
// root, in a new user namespace too, where it is root and may bring loopback up.
func namespaceAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if uid := os.Getuid(); uid != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	return attr
}

// programUID is the user the probed program runs as: the image's non-root user when
// berth is root, else berth's own user (-1: unchanged).
func programUID() int {
	if os.Getuid() == 0 {
		return 65532
	}
	return -1
}

// Helper runs inside the namespaces: it brings loopback up, starts the program with
// a clean environment in its own process group, reads the namespace's listening
// sockets while it runs, tries the health paths on each TCP port, kills the group and
// writes what it saw as JSON.
func Helper(stdin io.Reader, stdout io.Writer) error {
	var req request
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bringing loopback up in the new network namespace: %w", err)
	}
	// As the chart does for ports below 1024: the non-root program may bind them. The
	// setting belongs to this namespace alone.
	_ = os.WriteFile("/proc/sys/net/ipv4/ip_unprivileged_port_start", []byte("0"), 0o644)
	cmd := exec.Command(req.Binary, req.Args...)
	cmd.Dir = req.Dir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + req.Dir, "TMPDIR=" + req.Dir}
	var output tail
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if req.UID >= 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(req.UID), Gid: uint32(req.UID)}
		if err := os.Chown(req.Dir, req.UID, req.UID); err != nil {
			return err
		}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the program: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	obs := detect.Observed{}
	ifaces, err := net.Interfaces()
	if err != nil {
		return err
	}
	for _, i := range ifaces {
		obs.Interfaces = append(obs.Interfaces, i.Name)
	}
	deadline := time.After(req.Wait)
	exited := false
watch:
	for {
		obs.Ports = mergeSockets(obs.Ports, sockets(cmd.Process.Pid))
		select {
		case err := <-done:
			exited = true
			obs.Exit = fmt.Sprintf("exited before %s (%v): %s", req.Wait, exitText(err), strings.TrimSpace(output.String()))
			break watch
		case <-deadline:
			break watch
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !exited {
		obs.Routes = tryPaths(obs.Ports, req.Paths)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	} else {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // children it left behind
	}
	return json.NewEncoder(stdout).Encode(obs)
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// loopbackUp sets IFF_UP on lo, as `ip link set lo up` does.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// sockets reads the namespace's listening TCP sockets and bound UDP sockets from
// /proc/PID/net: the namespace is the program's alone, so every socket is its own.
func sockets(pid int) []detect.ObservedPort {
	var out []detect.ObservedPort
	for _, f := range []struct{ file, protocol, state string }{
		{"tcp", "TCP", "0A"}, {"tcp6", "TCP", "0A"}, // LISTEN
		{"udp", "UDP", "07"}, {"udp6", "UDP", "07"}, // unconnected, bound
	} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f.file))
		if err != nil {
			continue
		}
		for _, p := range parseSockets(data, f.state) {
			p.Protocol = f.protocol
			out = append(out, p)
		}
	}
	return out
}

// parseSockets reads the local ports of the sockets in a state from a
// /proc/net/{tcp,udp}[6] table ("  0: 00000000:1F90 00000000:0000 0A …"). A socket
// bound to an address rather than the wildcard is bound to loopback: the namespace
// has no other interface.
func parseSockets(table []byte, state string) []detect.ObservedPort {
	var out []detect.ObservedPort
	sc := bufio.NewScanner(bytes.NewReader(table))
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[3] != state {
			continue
		}
		addr, port, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(port, 16, 16)
		if err != nil || n == 0 {
			continue
		}
		p := detect.ObservedPort{Number: int(n), Loopback: strings.Trim(addr, "0") != ""}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func mergeSockets(have, seen []detect.ObservedPort) []detect.ObservedPort {
	for _, p := range seen {
		if !slices.Contains(have, p) {
			have = append(have, p)
		}
	}
	return have
}

// tryPaths GETs each health path on each TCP port over loopback and keeps those that
// answer 2xx.
func tryPaths(ports []detect.ObservedPort, paths []string) []detect.ObservedRoute {
	client := &http.Client{
		Timeout:       time.Second,
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var out []detect.ObservedRoute
	for _, p := range ports {
		if p.Protocol != "TCP" || p.Loopback {
			continue
		}
		for _, path := range paths {
			resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d%s", p.Number, path))
			if err != nil {
				if errors.Is(err, syscall.ECONNREFUSED) {
					break
				}
				continue
			}
			resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				out = append(out, detect.ObservedRoute{Path: path, Port: p.Number, Status: resp.StatusCode})
			}
		}
	}
	return out
}

// tail keeps the last 2 KiB a program wrote.
type tail struct{ buf []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2048 {
		t.buf = t.buf[len(t.buf)-2048:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }
