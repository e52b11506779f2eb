package descriptor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// spec mirrors service.schema.json; it is decoded only after the schema accepted the
// document, so its job is typing, not checking. Pointers mark optional fields whose
// default depends on other fields.
type spec struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"metadata"`
	Build struct {
		Context    string            `json:"context"`
		Go         string            `json:"go"`
		Main       string            `json:"main"`
		Binaries   map[string]string `json:"binaries"`
		Entrypoint string            `json:"entrypoint"`
		CGO        bool              `json:"cgo"`
		Vendor     any               `json:"vendor"`
		Tags       []string          `json:"tags"`
		Ldflags    []string          `json:"ldflags"`
		GoPrivate  []string          `json:"goprivate"`
		PIE        bool              `json:"pie"`
		Ignore     []string          `json:"dockerignore"`
	} `json:"build"`
	Image struct {
		Repository   string `json:"repository"`
		Tag          string `json:"tag"`
		Runtime      string `json:"runtime"`
		BuilderImage string `json:"builderImage"`
		RuntimeImage string `json:"runtimeImage"`
		User         *int   `json:"user"`
		Syntax       string `json:"syntax"`
		Digest       string `json:"digest"`
		Registry     string `json:"registry"`
	} `json:"image"`
	Args           []string                 `json:"args"`
	Command        []string                 `json:"command"`
	Ports          *map[string]portSpec     `json:"ports"`
	Volumes        map[string]volumeSpec    `json:"volumes"`
	EnvFrom        map[string]envFromSpec   `json:"envFrom"`
	Jobs           map[string]jobSpec       `json:"jobs"`
	CronJobs       map[string]cronJobSpec   `json:"cronJobs"`
	Metrics        *metricsSpec             `json:"metrics"`
	Sidecars       map[string]containerSpec `json:"sidecars"`
	InitContainers map[string]containerSpec `json:"initContainers"`
	Values         map[string]any           `json:"values"`
	Compose        bool                     `json:"compose"`
	Env            map[string]any           `json:"env"`
	Secrets        map[string]secretSpec    `json:"secrets"`
	Config         *configSpec              `json:"config"`
	Health         *healthSpec              `json:"health"`
	Resources      *resourcesSpec           `json:"resources"`
	Replicas       *int                     `json:"replicas"`
	Autoscaling    *autoscalingSpec         `json:"autoscaling"`
	Ingress        *ingressSpec             `json:"ingress"`
	Environments   map[string]any           `json:"environments"`
	ArgoCD         *argoSpec                `json:"argocd"`
}

// portSpec is a port in either form: a bare number (TCP) or {port, protocol}.
type portSpec struct {
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

func (p *portSpec) UnmarshalJSON(data []byte) error {
	if n, err := strconv.Atoi(string(bytes.TrimSpace(data))); err == nil {
		*p = portSpec{Port: n}
		return nil
	}
	type plain portSpec
	return json.Unmarshal(data, (*plain)(p))
}

type volumeSpec struct {
	MountPath     string `json:"mountPath"`
	Size          string `json:"size"`
	Medium        string `json:"medium"`
	Persistent    bool   `json:"persistent"`
	StorageClass  string `json:"storageClass"`
	AccessMode    string `json:"accessMode"`
	ExistingClaim string `json:"existingClaim"`
}

type envFromSpec struct {
	Secret    string `json:"secret"`
	ConfigMap string `json:"configMap"`
	Optional  bool   `json:"optional"`
	Prefix    string `json:"prefix"`
}

type jobSpec struct {
	Binary                string   `json:"binary"`
	Args                  []string `json:"args"`
	BackoffLimit          *int     `json:"backoffLimit"`
	ActiveDeadlineSeconds *int     `json:"activeDeadlineSeconds"`
}

type cronJobSpec struct {
	jobSpec
	Schedule                   string `json:"schedule"`
	TimeZone                   string `json:"timeZone"`
	ConcurrencyPolicy          string `json:"concurrencyPolicy"`
	SuccessfulJobsHistoryLimit *int   `json:"successfulJobsHistoryLimit"`
	FailedJobsHistoryLimit     *int   `json:"failedJobsHistoryLimit"`
	Suspend                    bool   `json:"suspend"`
}

type metricsSpec struct {
	Port          string `json:"port"`
	Path          string `json:"path"`
	Interval      string `json:"interval"`
	ScrapeTimeout string `json:"scrapeTimeout"`
}

type containerSpec struct {
	Image     string              `json:"image"`
	Command   []string            `json:"command"`
	Args      []string            `json:"args"`
	Ports     map[string]portSpec `json:"ports"`
	Env       map[string]any      `json:"env"`
	Resources *resourcesSpec      `json:"resources"`
}

type secretSpec struct {
	Secret   string `json:"secret"`
	Key      string `json:"key"`
	Optional bool   `json:"optional"`
}

type configSpec struct {
	MountPath string            `json:"mountPath"`
	Files     map[string]string `json:"files"`
}

type probeSpec struct {
	HTTP                *string  `json:"http"`
	TCP                 *bool    `json:"tcp"`
	GRPC                *string  `json:"grpc"`
	Exec                []string `json:"exec"`
	Port                string   `json:"port"`
	InitialDelaySeconds int      `json:"initialDelaySeconds"`
	PeriodSeconds       int      `json:"periodSeconds"`
	TimeoutSeconds      int      `json:"timeoutSeconds"`
	FailureThreshold    int      `json:"failureThreshold"`
	SuccessThreshold    int      `json:"successThreshold"`
}

type healthSpec struct {
	Startup   *probeSpec `json:"startup"`
	Liveness  *probeSpec `json:"liveness"`
	Readiness *probeSpec `json:"readiness"`
	Docker    []string   `json:"docker"`
	// present records which probes were written, so null (removed) differs from absent.
	present map[string]bool
}

type resourcesSpec struct {
	Requests map[string]any `json:"requests"`
	Limits   map[string]any `json:"limits"`
}

type autoscalingSpec struct {
	MinReplicas  int `json:"minReplicas"`
	MaxReplicas  int `json:"maxReplicas"`
	TargetCPU    int `json:"targetCPU"`
	TargetMemory int `json:"targetMemory"`
}

type ingressSpec struct {
	Host      string `json:"host"`
	Path      string `json:"path"`
	Port      string `json:"port"`
	ClassName string `json:"className"`
	TLS       string `json:"tls"`
}

type argoSpec struct {
	RepoURL   string     `json:"repoURL"`
	Revision  string     `json:"revision"`
	Path      string     `json:"path"`
	Project   string     `json:"project"`
	Namespace string     `json:"namespace"`
	Chart     *chartSpec `json:"chart"`
}

type chartSpec struct {
	RepoURL  string `json:"repoURL"`
	Path     string `json:"path"`
	Revision string `json:"revision"`
	OCI      string `json:"oci"`
	Version  string `json:"version"`
}

// decodeSpec types a schema-valid document.
func decodeSpec(value any) (*spec, error) {
	data, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("re-encoding descriptor: %w", err)
	}
	var s spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("descriptor schema and berth's types disagree (a berth bug): %w", err)
	}
	if s.Health != nil {
		s.Health.present = map[string]bool{}
		if m, ok := value.(map[string]any)["health"].(map[string]any); ok {
			for k := range m {
				s.Health.present[k] = true
			}
		}
	}
	return &s, nil
}
