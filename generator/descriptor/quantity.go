package descriptor

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// parseQuantity reads a resource quantity as the API server does.
func parseQuantity(v any) (resource.Quantity, bool) {
	q, err := resource.ParseQuantity(fmt.Sprint(v))
	return q, err == nil
}

// canonicalQuantity is the form the API server stores (0.5 → 500m, 1024Mi → 1Gi), so
// that what berth renders is what a GitOps tool reads back and no diff appears.
// Every quantity the schema admits parses; anything else is kept as written.
func canonicalQuantity(s string) string {
	if q, ok := parseQuantity(s); ok {
		return q.String()
	}
	return s
}

func canonicalQuantities(m map[string]string) map[string]string {
	for k, v := range m {
		m[k] = canonicalQuantity(v)
	}
	return m
}
