package gomod

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goMod = "module example.com/m\n\ngo 1.26.0\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.2.0\n)\n\nreplace example.com/b => ../b\n"

func TestCheckVendor(t *testing.T) {
	for _, tc := range []struct {
		name, modules string
		want          VendorState
		problem       string
	}{
		{"absent", "", NoVendor, ""},
		{"consistent", "# example.com/a v1.0.0\n## explicit; go 1.21\nexample.com/a\n# example.com/b v1.2.0 => ../b\n## explicit\nexample.com/b\n", Consistent, ""},
		{"missing module", "# example.com/a v1.0.0\n## explicit\nexample.com/a\n", Inconsistent, "example.com/b@v1.2.0 is required in go.mod but missing"},
		{"other version", "# example.com/a v1.1.0\n## explicit\n# example.com/b v1.2.0 => ../b\n## explicit\n", Inconsistent, "required at v1.0.0 in go.mod but vendored at v1.1.0"},
		{"not explicit", "# example.com/a v1.0.0\n# example.com/b v1.2.0 => ../b\n## explicit\n", Inconsistent, "not marked explicit"},
		{"replacement differs", "# example.com/a v1.0.0\n## explicit\n# example.com/b v1.2.0\n## explicit\n", Inconsistent, "replaced by"},
		{"extra explicit", "# example.com/a v1.0.0\n## explicit\n# example.com/b v1.2.0 => ../b\n## explicit\n# example.com/c v0.1.0\n## explicit\n", Inconsistent, "example.com/c is marked explicit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"go.mod": {Data: []byte(goMod)}}
			if tc.modules != "" {
				fsys["vendor/modules.txt"] = &fstest.MapFile{Data: []byte(tc.modules)}
			}
			m, err := Read(fsys, ".")
			if err != nil {
				t.Fatal(err)
			}
			state, problems, err := m.CheckVendor(fsys, ".")
			if err != nil {
				t.Fatal(err)
			}
			if state != tc.want {
				t.Errorf("state = %v, want %v (problems %v)", state, tc.want, problems)
			}
			if tc.problem != "" && !strings.Contains(strings.Join(problems, "\n"), tc.problem) {
				t.Errorf("problems %v lack %q", problems, tc.problem)
			}
		})
	}
}

func TestGoVersion(t *testing.T) {
	for _, tc := range []struct{ mod, want, from string }{
		{"module m\n\ngo 1.26.0\n", "1.26", "go.mod go"},
		{"module m\n\ngo 1.22\n", "1.22", "go.mod go"},
		{"module m\n\ngo 1.26.0\n\ntoolchain go1.26.8\n", "1.26.8", "go.mod toolchain"},
	} {
		m, err := Read(fstest.MapFS{"go.mod": {Data: []byte(tc.mod)}}, ".")
		if err != nil {
			t.Fatal(err)
		}
		if v, from := m.GoVersion(); v != tc.want || from != tc.from {
			t.Errorf("GoVersion(%q) = %s, %s; want %s, %s", tc.mod, v, from, tc.want, tc.from)
		}
	}
	if _, err := Read(fstest.MapFS{}, "."); err != ErrNoGoMod {
		t.Errorf("Read without go.mod: %v, want ErrNoGoMod", err)
	}
}
