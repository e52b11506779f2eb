package chart

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
	for _, u := range verr.BasicOutput().Errors {
		if u.Error == nil {
			continue
		}
		p := Problem{Pointer: u.InstanceLocation, Message: u.Error.String() + " (the chart's values.schema.json)"}
		if !seen[p] && !strings.HasPrefix(p.Message, "validation failed") {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Message, b.Message))
	})
	return out, nil
}
