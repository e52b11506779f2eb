package model

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	base := map[string]any{"a": 1, "m": map[string]any{"x": 1, "y": 2}, "l": []any{1, 2}, "gone": "v"}
	over := map[string]any{"m": map[string]any{"y": nil, "z": 3}, "l": []any{3}, "gone": nil, "new": map[string]any{"k": nil, "v": 1}}
	got := Merge(base, over, NullsDelete)
	want := map[string]any{"a": 1, "m": map[string]any{"x": 1, "z": 3}, "l": []any{3}, "new": map[string]any{"v": 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NullsDelete: %v\nwant %v", got, want)
	}
	got = Merge(base, over, KeepNulls)
	want = map[string]any{"a": 1, "m": map[string]any{"x": 1, "y": nil, "z": 3}, "l": []any{3}, "gone": nil, "new": map[string]any{"k": nil, "v": 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeepNulls: %v\nwant %v", got, want)
	}
	if base["m"].(map[string]any)["y"] != 2 {
		t.Error("Merge modified its input")
	}
}

func TestRuntimeTable(t *testing.T) {
	for _, r := range Runtimes() {
		if !r.Valid() || r.Describe(false) == "" || r.BuilderImage("1.26.8", false) != "golang:1.26.8-trixie" {
			t.Errorf("%s: incomplete", r)
		}
		if r.Image(false) != "" {
			if facts, ok := FactsOf(r.Image(false)); !ok || !reflect.DeepEqual(facts, r.Facts(false)) {
				t.Errorf("%s: FactsOf(%s) = %+v, %v; the table says %+v", r, r.Image(false), facts, ok, r.Facts(false))
			}
		}
		if r.SupportsCGO() && r.Facts(true).Libc == NoLibc {
			t.Errorf("%s supports cgo without a C library", r)
		}
	}
	if Scratch.SupportsCGO() || Runtime("busybox").Valid() {
		t.Error("scratch with cgo, or an unknown runtime, accepted")
	}
	if got := Alpine.BuilderImage("1.26.8", true); got != "golang:1.26.8-alpine3.23" {
		t.Errorf("alpine cgo builder %s", got)
	}
	if f, ok := FactsOf("golang:1.26.8-trixie"); !ok || !f.Compiler || f.Libc != Glibc {
		t.Errorf("golang builder facts %+v", f)
	}
	if _, ok := FactsOf("registry.example.com/base:1"); ok {
		t.Error("an unknown image classified")
	}
	if got := RuntimeNames(); got != "distroless, scratch, alpine or debian" {
		t.Errorf("RuntimeNames %q", got)
	}
}
