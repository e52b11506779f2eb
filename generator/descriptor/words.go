package descriptor

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

var schemaTypeNames = map[string]string{
	"null": "null", "boolean": "a boolean", "number": "a number", "integer": "a whole number",
	"string": "a string", "array": "a list", "object": "a mapping",
}

func typeNames(t any) []string {
	var out []string
	switch t := t.(type) {
	case string:
		out = append(out, schemaTypeNames[t])
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, schemaTypeNames[s])
			}
		}
	}
	return out
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return "something else"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func stringList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// describe quotes a value for a message, shortening long ones.
func describe(v any) string {
	switch t := v.(type) {
	case string:
		if len(t) > 60 {
			t = t[:57] + "..."
		}
		return fmt.Sprintf("%q", t)
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

func listValues(v any) string {
	l, _ := v.([]any)
	parts := make([]string, len(l))
	for i, x := range l {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

func suggestValue(v any, enum any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	if c := closest(s, stringList(enum)); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// closest returns the candidate nearest to s when it is a plausible typo: at most
// two edits, and at most half the candidate's length.
func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestDist && d*2 <= len(c) {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
