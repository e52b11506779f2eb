//go:build linux

package probe

import (
	"fmt"
	"testing"
)

// TestParseSockets reads listening sockets from /proc/net tables: the state column
// selects, the port is hexadecimal, and an address other than the wildcard means
// loopback (the namespace has no other interface).
func TestParseSockets(t *testing.T) {
	tcp := []byte(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 65532        0 3 1 0000000000000000 20 4 30 10 -1
`)
	tcp6 := []byte(`  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65532 0 4 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1A0B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65532 0 5 1 0000000000000000 100 0 0 10 0
`)
	for _, c := range []struct {
		table []byte
		want  string
	}{
		{tcp, "[{8080  false} {2379  true}]"},
		{tcp6, "[{53  false} {6667  true}]"},
	} {
		if got := fmt.Sprint(parseSockets(c.table, "0A")); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}
