package testutil

import (
	"fmt"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"helm.sh/helm/v3/pkg/releaseutil"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	clientscheme "k8s.io/client-go/kubernetes/scheme"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Verify decodes every object of a rendered manifest strictly with the Kubernetes API
// types (an unknown or mistyped field, or an unknown kind, is a problem) and checks every
// pod template against Pod Security "restricted" at the latest version. It returns the
// problems sorted; an empty manifest is a problem too.
func Verify(manifest string) ([]string, error) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("pod security evaluator: %w", err)
	}
	docs := releaseutil.SplitManifests(manifest)
	var problems []string
	objects := 0
	for _, doc := range docs {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		objects++
		obj, _, err := strictDecoder.Decode([]byte(doc), nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", source(doc), err))
			continue
		}
		for _, msg := range podSecurity(evaluator, obj) {
			problems = append(problems, fmt.Sprintf("%s: %s", describe(obj), msg))
		}
	}
	if objects == 0 {
		problems = append(problems, "the manifest has no objects")
	}
	sort.Strings(problems)
	return problems, nil
}

var strictDecoder = newStrictDecoder()

// newStrictDecoder knows the built-in kinds plus Gateway API's HTTPRoute and the
// Prometheus Operator's ServiceMonitor, which the chart can render.
func newStrictDecoder() runtime.Decoder {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientscheme.AddToScheme, gatewayv1.Install, monitoringv1.AddToScheme} {
		if err := add(s); err != nil {
			panic(err) // a scheme registration conflict is a build defect, not input
		}
	}
	return json.NewSerializerWithOptions(json.DefaultMetaFactory, s, s, json.SerializerOptions{Yaml: true, Strict: true})
}

func podSecurity(evaluator policy.Evaluator, obj runtime.Object) []string {
	meta, spec := podTemplate(obj)
	if spec == nil {
		return nil
	}
	level := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	var msgs []string
	for _, r := range evaluator.EvaluatePod(level, meta, spec) {
		if !r.Allowed {
			msgs = append(msgs, fmt.Sprintf("violates PodSecurity restricted:latest: %s (%s)", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return msgs
}

func podTemplate(obj runtime.Object) (*metav1.ObjectMeta, *corev1.PodSpec) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &o.ObjectMeta, &o.Spec
	case *appsv1.Deployment:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec
	case *appsv1.StatefulSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec
	case *appsv1.DaemonSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec
	case *appsv1.ReplicaSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec
	case *batchv1.Job:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.ObjectMeta, &o.Spec.JobTemplate.Spec.Template.Spec
	}
	return nil, nil
}

func describe(obj runtime.Object) string {
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if m, ok := obj.(metav1.Object); ok {
		return kind + "/" + m.GetName()
	}
	return kind
}

// source names a document by Helm's "# Source:" comment when it has one.
func source(doc string) string {
	for _, line := range strings.Split(doc, "\n") {
		if s, ok := strings.CutPrefix(line, "# Source: "); ok {
			return s
		}
	}
	return "document"
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
