package e2e

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/berth-dev/berth/generator/pipeline"
)

// checkNames: the image's CMD is the descriptor's args (what the chart passes), a
// record written over HTTP lands in the data volume, and the server answers it over
// UDP and over TCP on port 53.
func checkNames(t *testing.T, image, container string) {
	t.Helper()
	res, err := pipeline.GenerateFile(filepath.Join(repoRoot(t), "examples", "names", "service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cmd []string
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", "-f", "{{json .Config.Cmd}}", image)), &cmd); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cmd, res.Service.Args) {
		t.Errorf("image CMD %q, chart args %q", cmd, res.Service.Args)
	}
	httpAddr := lastLine(docker(t, "port", container, "8080/tcp"))
	req, _ := http.NewRequest(http.MethodPut, "http://"+httpAddr+"/records/www.example.test", strings.NewReader("192.0.2.7"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT record: %s %s", resp.Status, body)
	}
	if got := docker(t, "exec", container, "/names", "healthcheck", "--http=:8080"); got != "" {
		t.Errorf("healthcheck said %q", got)
	}
	for _, proto := range []string{"udp", "tcp"} {
		addr := lastLine(docker(t, "port", container, "53/"+proto))
		ip, rcode := query(t, proto, addr, "www.example.test.")
		if rcode != dnsmessage.RCodeSuccess || ip != "192.0.2.7" {
			t.Errorf("DNS over %s: %v %q, want 192.0.2.7", proto, rcode, ip)
		}
		if _, rcode := query(t, proto, addr, "missing.example.test."); rcode != dnsmessage.RCodeNameError {
			t.Errorf("DNS over %s for a missing name: %v, want NXDOMAIN", proto, rcode)
		}
	}
}

func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }

// query asks addr for the A record of name over proto and returns the address and the
// response code.
func query(t *testing.T, proto, addr, name string) (string, dnsmessage.RCode) {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, RecursionDesired: true})
	_ = b.StartQuestions()
	_ = b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout(proto, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	reply := make([]byte, 512)
	if proto == "tcp" {
		_ = binary.Write(conn, binary.BigEndian, uint16(len(msg)))
		_, err = conn.Write(msg)
		var size uint16
		if err == nil {
			err = binary.Read(conn, binary.BigEndian, &size)
		}
		if err == nil {
			reply = make([]byte, size)
			_, err = io.ReadFull(conn, reply)
		}
	} else {
		var n int
		if _, err = conn.Write(msg); err == nil {
			n, err = conn.Read(reply)
			reply = reply[:n]
		}
	}
	if err != nil {
		t.Fatalf("DNS over %s to %s: %v", proto, addr, err)
	}
	var p dnsmessage.Parser
	h, err := p.Start(reply)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.SkipAllQuestions()
	ans, err := p.AllAnswers()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ans {
		if r, ok := a.Body.(*dnsmessage.AResource); ok {
			return net.IP(r.A[:]).String(), h.RCode
		}
	}
	return "", h.RCode
}
