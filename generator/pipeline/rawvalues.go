package pipeline

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/values"
)

// rawValuesFindings checks the descriptor's raw chart values (values:, and each
// environment's) the way Helm will read them: over the generated values, against the
// chart's values.schema.json. Each problem is located at the raw key that caused it, in
// the environment's override when that set it. Problems outside the raw values are left
// to ValuesFiles, which reports them as berth's own.
func rawValuesFindings(name string, src []byte, svc *model.Service) (finding.List, error) {
	views := []struct {
		env string
		svc *model.Service
	}{{"", svc}}
	for _, e := range svc.Environments {
		views = append(views, struct {
			env string
			svc *model.Service
		}{e.Name, e.Service})
	}
	ch, err := chart.Embedded()
	if err != nil {
		return nil, err
	}
	loc := descriptor.NewLocator(name, src)
	var out finding.List
	seen := map[string]bool{}
	for _, v := range views {
		if v.svc.Values == nil {
			continue
		}
		problems, err := chart.Problems(ch, values.Build(v.svc, values.Defaults(ch.Values)))
		if err != nil {
			return nil, err
		}
		problems = append(problems, deletedSections(v.svc.Values, ch.Values, "")...)
		for _, p := range problems {
			at, ok := rawPointer(loc, v.env, v.svc.Values, p.Pointer)
			if !ok || seen[at+p.Message] {
				continue
			}
			seen[at+p.Message] = true
			out = append(out, loc.At(at, finding.Error, fmt.Sprintf("%s: %s", model.OneLine("values"+dotted(p.Pointer)), model.OneLine(p.Message))))
		}
	}
	return out.Sorted(), nil
}

// rawPointer maps a pointer into the chart values to the descriptor key that set it: the
// deepest prefix present in the raw values, under the environment's override when it has
// that prefix, else under the base's values.
func rawPointer(loc *descriptor.Locator, env string, raw map[string]any, pointer string) (string, bool) {
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	depth := 0
	var cur any = raw
	for _, s := range segs {
		m, ok := cur.(map[string]any)
		if !ok {
			break
		}
		next, ok := m[descriptor.UnescapePointer(s)]
		if !ok {
			break
		}
		depth++
		cur = next
	}
	if depth == 0 {
		return "", false
	}
	rel := "/" + strings.Join(segs[:depth], "/")
	if env != "" {
		envPointer := "/environments/" + descriptor.EscapePointer(env) + "/values" + rel
		if loc.Has(envPointer) {
			return envPointer, true
		}
	}
	return "/values" + rel, true
}

func dotted(pointer string) string {
	if pointer == "" {
		return ""
	}
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, s := range segs {
		segs[i] = descriptor.UnescapePointer(s)
	}
	return "." + strings.Join(segs, ".")
}

// deletedSections finds nulls that would delete a whole map of the chart's defaults
// (values: {tmp: null}): the chart's templates read their fields, so a section is
// switched off through its fields, never removed.
func deletedSections(raw, defaults map[string]any, pointer string) []chart.Problem {
	var out []chart.Problem
	for k, v := range raw {
		def, isMap := defaults[k].(map[string]any)
		if !isMap || len(def) == 0 {
			continue
		}
		p := pointer + "/" + descriptor.EscapePointer(k)
		switch sub := v.(type) {
		case nil:
			out = append(out, chart.Problem{Pointer: p, Message: "null would delete the chart's whole section; set its fields instead (e.g. enabled: false)"})
		case map[string]any:
			out = append(out, deletedSections(sub, def, p)...)
		}
	}
	return out
}
