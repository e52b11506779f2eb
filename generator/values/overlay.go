package values

import "reflect"

// Overlay returns the smallest values file that, merged over base the way Helm merges
// value files (maps merge key by key; lists, scalars and null replace) and then
// coalesced with the chart's defaults, gives view: unchanged keys are left out, changed
// maps are descended into, anything else is written whole. A key view lacks goes back
// to the chart's default, written out, because a null would delete the default too;
// only keys the chart has no default for are set to null.
func Overlay(base, view map[string]any, defaults Defaults) map[string]any {
	out := map[string]any{}
	for k, v := range view {
		if sub, changed := overlayValue(base, k, v, defaults); changed {
			out[k] = sub
		}
	}
	for k, b := range base {
		if _, ok := view[k]; ok {
			continue
		}
		d, hasDefault := defaults[k]
		if !hasDefault || d == nil {
			if b != nil { // a null in base already deletes it
				out[k] = nil
			}
			continue
		}
		if sub, changed := overlayValue(base, k, d, defaults); changed {
			out[k] = sub
		}
	}
	return out
}

// overlayValue is what an overlay must say about key k for the merged result to be v.
func overlayValue(base map[string]any, k string, v any, defaults Defaults) (any, bool) {
	b, inBase := base[k]
	switch {
	case !inBase:
		return v, true
	case isMap(b) && isMap(v):
		sub := Overlay(b.(map[string]any), v.(map[string]any), Defaults(mapAt(defaults, k)))
		return sub, len(sub) > 0
	case !equal(b, v):
		return v, true
	}
	return nil, false
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// equal compares values as YAML would: an int and a float of the same number are equal.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = normalize(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normalize(x)
		}
		return out
	}
	if f, ok := number(v); ok {
		return f
	}
	return v
}
