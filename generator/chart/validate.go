package chart

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// Validate checks values against the chart's values.schema.json as `helm template`
// does: coalesced with the chart's defaults first (so null deletes), then validated with
// Helm's validator, santhosh-tekuri/jsonschema/v6 with the schema registered as
// file:///values.schema.json. Unlike Helm, which compiles the schema on every call, the
// compiled schema is kept per chart, which makes berth generate several times faster.
func Validate(ch *helmchart.Chart, vals map[string]any) error {
	coalesced, err := chartutil.CoalesceValues(ch, copyValues(vals))
	if err != nil {
		return err
	}
	if ch.Schema == nil {
		return nil
	}
	schema, err := compiledSchema(ch)
	if err != nil {
		return err
	}
	if err := schema.Validate(coalesced.AsMap()); err != nil {
		// Helm's message: the chart name, then the validator's list without its first line.
		msg := strings.TrimPrefix(err.Error(), "jsonschema validation failed with 'file:///values.schema.json#'\n")
		return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n%s", ch.Name(), msg)
	}
	return nil
}

var schemas sync.Map // *helmchart.Chart → *jsonschema.Schema

func compiledSchema(ch *helmchart.Chart) (*jsonschema.Schema, error) {
	if s, ok := schemas.Load(ch); ok {
		return s.(*jsonschema.Schema), nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ch.Schema))
	if err != nil {
		return nil, fmt.Errorf("%s/values.schema.json: %w", ch.Name(), err)
	}
	c := jsonschema.NewCompiler() // no loaders: the schema must be self-contained
	if err := c.AddResource("file:///values.schema.json", doc); err != nil {
		return nil, err
	}
	s, err := c.Compile("file:///values.schema.json")
	if err != nil {
		return nil, fmt.Errorf("%s/values.schema.json: %w", ch.Name(), err)
	}
	schemas.Store(ch, s)
	return s, nil
}

// copyValues guards the caller's map: Helm's coalescing deletes nulls in place.
func copyValues(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = copyValues(sub)
		}
		out[k] = v
	}
	return out
}

// Problem is one place where values break the chart's schema: a JSON pointer into the
// values and the validator's message.
type Problem struct {
	Pointer string
	Message string
}

// Problems validates like Validate and returns each failing place, sorted, instead of
// one error; nil when the values are valid.
func Problems(ch *helmchart.Chart, vals map[string]any) ([]Problem, error) {
	coalesced, err := chartutil.CoalesceValues(ch, copyValues(vals))
	if err != nil {
		return nil, err
	}
	if ch.Schema == nil {
		return nil, nil
	}
	schema, err := compiledSchema(ch)
	if err != nil {
		return nil, err
	}
	err = schema.Validate(coalesced.AsMap())
	var verr *jsonschema.ValidationError
	if err == nil || !errors.As(err, &verr) {
		return nil, err
	}
	var out []Problem
	seen := map[Problem]bool{}
	collectProblems(verr, "", func(p Problem) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	})
	slices.SortFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Message, b.Message))
	})
	return out, nil
}

var english = message.NewPrinter(language.English)

// collectProblems reports the leaves of a validation error tree. Under a propertyNames
// failure the key itself is the problem: its pointer is the object's plus the key (v6
// gives such errors another location), and the message names the key.
func collectProblems(e *jsonschema.ValidationError, key string, report func(Problem)) {
	pointer := "/" + strings.Join(escapeTokens(e.InstanceLocation), "/")
	if pointer == "/" {
		pointer = ""
	}
	for _, c := range e.Causes {
		if pn, ok := c.ErrorKind.(*kind.PropertyNames); ok {
			for _, leaf := range c.Causes {
				collectProblems(leaf, pointer+"/"+escapeToken(pn.Property), report)
			}
			continue
		}
		collectProblems(c, key, report)
	}
	if len(e.Causes) > 0 {
		return
	}
	msg := e.ErrorKind.LocalizedString(english)
	if key != "" {
		pointer = key
		msg = "key " + strconv.Quote(lastToken(key)) + ": " + msg
	}
	report(Problem{Pointer: pointer, Message: msg + " (the chart's values.schema.json)"})
}

// lastToken is the last token of a pointer, unescaped.
func lastToken(pointer string) string {
	last := pointer[strings.LastIndex(pointer, "/")+1:]
	return strings.ReplaceAll(strings.ReplaceAll(last, "~1", "/"), "~0", "~")
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func escapeTokens(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = escapeToken(t)
	}
	return out
}
