package testutil

import (
	"fmt"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/values"
)

// ViewValues returns the values of one environment's own view ("" for the base),
// written as a single values file and read back as Helm reads it: what the overlays
// must add up to.
func ViewValues(svc *model.Service, env string) (map[string]any, error) {
	view := svc
	if env != "" {
		if view = svc.Environment(env); view == nil {
			return nil, fmt.Errorf("environment %q is not in the descriptor", env)
		}
	}
	ch, err := chart.Embedded()
	if err != nil {
		return nil, err
	}
	data, err := values.Marshal("", values.Build(view, values.Defaults(ch.Values)))
	if err != nil {
		return nil, err
	}
	return chart.MergeValues(chart.ValuesFile{Name: values.File(env), Data: data})
}
