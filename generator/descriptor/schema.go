package descriptor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	// The descriptor is validated with jsonschema v5, the library the project chose for
	// it, whose error tree the located messages below are written against; the chart's
	// values use v6, the version Helm itself validates with.
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/schemas"
)

// compiled holds the descriptor schema twice: compiled for validation and as plain
// JSON so messages can quote the keyword values (patterns' x-message, enums, bounds).
var compiled = sync.OnceValues(func() (*compiledSchema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s: remote references are not allowed", url)
	}
	if err := c.AddResource(schemas.ServiceID, bytes.NewReader(schemas.Service)); err != nil {
		return nil, fmt.Errorf("loading descriptor schema: %w", err)
	}
	s, err := c.Compile(schemas.ServiceID)
	if err != nil {
		return nil, fmt.Errorf("compiling descriptor schema: %w", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(schemas.Service, &raw); err != nil {
		return nil, fmt.Errorf("decoding descriptor schema: %w", err)
	}
	return &compiledSchema{schema: s, raw: raw}, nil
})

type compiledSchema struct {
	schema *jsonschema.Schema
	raw    map[string]any
}

// validateSchema checks value against the descriptor schema and returns every
// violation, located in doc and worded for people.
func validateSchema(doc *document, loc locator, value any) (finding.List, error) {
	cs, err := compiled()
	if err != nil {
		return nil, err
	}
	err = cs.schema.Validate(value)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, fmt.Errorf("validating against the descriptor schema: %w", err)
	}
	unescapeLocations(ve)
	r := reporter{doc: doc, loc: loc, cs: cs, value: value}
	r.walk(ve)
	return r.diags, nil
}

// unescapeLocations undoes the URL escaping jsonschema v5 applies to each token of an
// instance location, so that paths name keys as written (a key with '{' or '?' in it)
// and stay plain JSON pointers like the rules' own.
func unescapeLocations(e *jsonschema.ValidationError) {
	tokens := strings.Split(e.InstanceLocation, "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			tokens[i] = u
		}
	}
	e.InstanceLocation = strings.Join(tokens, "/")
	for _, c := range e.Causes {
		unescapeLocations(c)
	}
}

type reporter struct {
	doc   *document
	loc   locator
	cs    *compiledSchema
	value any
	diags finding.List
}

func (r *reporter) walk(e *jsonschema.ValidationError) {
	switch keyword(e.KeywordLocation) {
	case "anyOf", "oneOf":
		r.alternatives(e)
		return
	}
	if len(e.Causes) == 0 {
		r.leaf(e)
		return
	}
	for _, c := range e.Causes {
		r.walk(c)
	}
}

// alternatives reports an anyOf/oneOf failure through the one branch whose type fits
// the value (e.g. the object branch of "null or probe"), or as a single message.
func (r *reporter) alternatives(e *jsonschema.ValidationError) {
	branches := map[string][]*jsonschema.ValidationError{}
	var order []string
	for _, c := range e.Causes {
		b := branchOf(e.KeywordLocation, c.KeywordLocation)
		if _, ok := branches[b]; !ok {
			order = append(order, b)
		}
		branches[b] = append(branches[b], c)
	}
	var fitting []string
	var wants []string
	for _, b := range order {
		if t := typeMismatch(branches[b], e.InstanceLocation); t != nil {
			wants = append(wants, r.wantedTypes(t)...)
			continue
		}
		fitting = append(fitting, b)
	}
	if len(fitting) == 1 {
		for _, c := range branches[fitting[0]] {
			r.walk(c)
		}
		return
	}
	if len(fitting) == 0 && len(wants) > 0 {
		r.add(e.InstanceLocation, valueNode, fmt.Sprintf("must be %s, not %s", joinOr(dedupe(wants)), r.typeAt(e.InstanceLocation)))
		return
	}
	if m, ok := r.schemaAt(e.AbsoluteKeywordLocation)["x-message"].(string); ok {
		r.add(e.InstanceLocation, valueNode, m)
		return
	}
	r.add(e.InstanceLocation, valueNode, "does not match any allowed form")
}

func branchOf(parent, child string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(child, parent), "/")
	b, _, _ := strings.Cut(rest, "/")
	return b
}

func typeMismatch(errs []*jsonschema.ValidationError, loc string) *jsonschema.ValidationError {
	for _, e := range errs {
		for len(e.Causes) == 1 && keyword(e.KeywordLocation) != "type" {
			e = e.Causes[0]
		}
		if keyword(e.KeywordLocation) == "type" && e.InstanceLocation == loc {
			return e
		}
	}
	return nil
}

type target int

const (
	valueNode target = iota
	keyNode
	parentKey
)

func (r *reporter) leaf(e *jsonschema.ValidationError) {
	kw := keyword(e.KeywordLocation)
	sch := r.schemaAt(e.AbsoluteKeywordLocation)
	loc := e.InstanceLocation
	if strings.Contains(e.KeywordLocation, "/propertyNames/") {
		name := unescapePointer(loc[strings.LastIndex(loc, "/")+1:])
		msg := strings.TrimSuffix(r.constraint(kw, sch, name), fmt.Sprintf(" (got %q)", name))
		r.add(loc, keyNode, fmt.Sprintf("key %q %s", name, msg))
		return
	}
	switch kw {
	case "required":
		r.required(loc, sch)
	case "additionalProperties":
		r.unknownFields(loc, sch)
	default:
		msg := r.constraint(kw, sch, r.instance(loc))
		if kw == "type" {
			msg += r.quoteHint(loc, sch)
		}
		r.add(loc, valueNode, msg)
	}
}

// constraint words one violated keyword; sch is the schema object holding it.
func (r *reporter) constraint(kw string, sch map[string]any, v any) string {
	got := describe(v)
	switch kw {
	case "type":
		return fmt.Sprintf("must be %s, not %s", joinOr(typeNames(sch["type"])), typeName(v))
	case "enum":
		if l, ok := sch["enum"].([]any); ok && len(l) == 1 {
			return fmt.Sprintf("must be %s (got %s)%s", describe(l[0]), got, suggestValue(v, sch["enum"]))
		}
		return fmt.Sprintf("must be one of %s (got %s)%s", listValues(sch["enum"]), got, suggestValue(v, sch["enum"]))
	case "pattern":
		if m, ok := sch["x-message"].(string); ok {
			return fmt.Sprintf("%s (got %s)", m, got)
		}
		return fmt.Sprintf("must match %v (got %s)", sch["pattern"], got)
	case "minimum":
		return fmt.Sprintf("must be at least %v (got %s)", sch["minimum"], got)
	case "maximum":
		return fmt.Sprintf("must be at most %v (got %s)", sch["maximum"], got)
	case "minLength":
		return fmt.Sprintf("must be at least %v characters long", sch["minLength"])
	case "maxLength":
		return fmt.Sprintf("must be at most %v characters long (got %d)", sch["maxLength"], len([]rune(fmt.Sprint(v))))
	case "minItems":
		return fmt.Sprintf("must list at least %v items", sch["minItems"])
	case "maxItems":
		return fmt.Sprintf("must list at most %v items", sch["maxItems"])
	case "uniqueItems":
		return "must not list the same item twice"
	case "minProperties":
		return fmt.Sprintf("must have at least %v entries", sch["minProperties"])
	case "maxProperties":
		return fmt.Sprintf("must have at most %v entries", sch["maxProperties"])
	}
	return "is not allowed here"
}

func (r *reporter) required(loc string, sch map[string]any) {
	obj, _ := r.instance(loc).(map[string]any)
	for _, name := range stringList(sch["required"]) {
		if _, ok := obj[name]; !ok {
			r.add(loc+"/"+escapePointer(name), parentKey, fmt.Sprintf("missing required field %q", name))
		}
	}
}

func (r *reporter) unknownFields(loc string, sch map[string]any) {
	obj, _ := r.instance(loc).(map[string]any)
	props, _ := sch["properties"].(map[string]any)
	known := make([]string, 0, len(props))
	for k := range props {
		known = append(known, k)
	}
	sort.Strings(known)
	for name := range obj {
		if _, ok := props[name]; ok {
			continue
		}
		msg := fmt.Sprintf("unknown field %q", name)
		if s := closest(name, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; allowed here: " + strings.Join(known, ", ")
		}
		r.add(loc+"/"+escapePointer(name), keyNode, msg)
	}
}

// add records a finding unless the parser already reported that node.
func (r *reporter) add(loc string, t target, msg string) {
	r.addSeverity(loc, t, finding.Error, msg)
}

func (r *reporter) addSeverity(loc string, t target, sev finding.Severity, msg string) {
	n := r.loc.node(loc, t)
	if r.doc.flagged[n] {
		return
	}
	d := r.doc.at(n, pathOrRoot(r.loc.prefix+loc), msg)
	d.Severity = sev
	r.diags = append(r.diags, d)
}

// instance returns the value at a JSON pointer of the validated document.
func (r *reporter) instance(loc string) any {
	if loc == "" || loc == "/" {
		return r.value
	}
	return walkPointer(r.value, strings.Split(strings.TrimPrefix(loc, "/"), "/"))
}

// walkPointer follows JSON-pointer tokens through decoded JSON; nil when absent.
func walkPointer(v any, toks []string) any {
	for _, tok := range toks {
		tok = unescapePointer(tok)
		switch t := v.(type) {
		case map[string]any:
			v = t[tok]
		case []any:
			i := 0
			if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func (r *reporter) typeAt(loc string) string { return typeName(r.instance(loc)) }

func (r *reporter) wantedTypes(e *jsonschema.ValidationError) []string {
	return typeNames(r.schemaAt(e.AbsoluteKeywordLocation)["type"])
}

// schemaAt returns the schema object that holds the keyword an absolute keyword
// location ends in.
func (r *reporter) schemaAt(abs string) map[string]any {
	_, frag, _ := strings.Cut(abs, "#")
	toks := strings.Split(strings.TrimPrefix(frag, "/"), "/")
	cur := walkPointer(r.cs.raw, toks[:max(len(toks)-1, 0)])
	m, _ := cur.(map[string]any)
	return m
}

func keyword(loc string) string { return loc[strings.LastIndex(loc, "/")+1:] }

// quoteHint suggests quoting a plain scalar that YAML typed as something other than
// the string the schema wants (go: 1.20 is the number 1.2).
func (r *reporter) quoteHint(loc string, sch map[string]any) string {
	if !slices.Contains(typeNames(sch["type"]), "a string") {
		return ""
	}
	n := r.loc.node(loc, valueNode)
	if n == nil || n.Kind != yaml.ScalarNode || n.Style != 0 {
		return ""
	}
	if _, isNum := r.instance(loc).(json.Number); !isNum && r.instance(loc) != nil {
		if _, isBool := r.instance(loc).(bool); !isBool {
			return ""
		}
	}
	return fmt.Sprintf("; quote it: %q", n.Value)
}
