package finding

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		f    Finding
		want string
	}{
		{Finding{File: "s.yaml", Line: 3, Column: 7, Path: "/build/go", Message: "must be a string"}, "s.yaml:3:7: /build/go: must be a string"},
		{Finding{File: "Dockerfile", Line: 4, Column: 1, Rule: "BG106", Severity: Warning, Message: "m"}, "Dockerfile:4:1: BG106: warning: m"},
		{Finding{Rule: "D105", Severity: Warning, Message: "m"}, "D105: warning: m"},
		{Finding{File: "Makefile", Message: "m"}, "Makefile:1:1: m"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestSortedOrdersAndDropsRepeats(t *testing.T) {
	a := Finding{File: "a", Line: 2, Message: "x"}
	b := Finding{File: "a", Line: 1, Message: "y", Severity: Warning}
	c := Finding{File: "b", Line: 1, Message: "z"}
	in := List{c, a, b, a}
	got := in.Sorted()
	if len(got) != 3 || got[0] != b || got[1] != a || got[2] != c {
		t.Errorf("sorted %v", got)
	}
	if in[0] != c {
		t.Error("Sorted modified its input")
	}
	if e, w := in.Count(); e != 3 || w != 1 || !in.HasErrors() || len(in.Warnings()) != 1 {
		t.Errorf("count %d %d", e, w)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	list := List{{File: "s.yaml", Line: 1, Column: 2, Path: "/x", Message: "m"}, {Rule: "D101", Message: "n", Severity: Warning, Fix: "f"}}
	var buf bytes.Buffer
	if err := Write(&buf, JSON, list, Options{}); err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.OK || got.Errors != 1 || got.Warnings != 1 || len(got.Findings) != 2 || got.Findings[1] != list[1] || got.Findings[0] != list[0] {
		t.Errorf("report %+v", got)
	}
	if strings.Contains(buf.String(), `"rule": ""`) || strings.Contains(buf.String(), `"file": ""`) {
		t.Errorf("empty fields written:\n%s", buf.String())
	}
	var empty bytes.Buffer
	if err := Write(&empty, JSON, nil, Options{}); err != nil || !strings.Contains(empty.String(), `"findings": []`) || !strings.Contains(empty.String(), `"ok": true`) {
		t.Errorf("empty report %q %v", empty.String(), err)
	}
}

func TestTextPrintsFixesWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	list := List{{Rule: "D102", Message: "m", Fix: "unset it"}}
	if err := Write(&buf, Text, list, Options{Fixes: true}); err != nil || buf.String() != "D102: m\n  fix: unset it\n" {
		t.Errorf("%q %v", buf.String(), err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}
