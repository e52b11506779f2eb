// Package model is the normalized, typed service that every renderer reads: defaults
// applied, maps turned into sorted slices, no YAML and no I/O.
package model

import (
	"regexp"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Service is one validated, defaulted descriptor, or one environment's view of it.
type Service struct {
	Name        string
	Description string
	Source      string // the descriptor's file name, for generated-file headers
	Build       Build
	Image       Image
	Args        []string          // the entrypoint's arguments: the chart's args and the image's CMD
	Command     []string          // replaces the entrypoint in the pod; nil keeps the image's
	Ports       []Port            // sorted by name
	Env         map[string]string // rendered sorted by name
	Secrets     map[string]SecretRef
	EnvFrom     []EnvFrom // sorted by id
	Config      *Config
	Volumes     []Volume // sorted by name
	Health      Health
	Resources   Resources
	Replicas    int
	Autoscaling *Autoscaling
	Ingress     *Ingress
	Jobs        []Job     // sorted by name
	CronJobs    []CronJob // sorted by name
	Metrics     *Metrics
	Sidecars    []Container // sorted by name
	Init        []Container // init containers, run in name order
	// Values are raw chart values merged over the generated ones (nil: none).
	Values  map[string]any
	Compose bool // also write compose.yaml
	// Environments holds each environment's full view (base plus its override),
	// sorted by name; the views themselves have no environments.
	Environments []Environment
	ArgoCD       *ArgoCD
}

// Build says how the builder stage compiles the service.
type Build struct {
	Context    string   // directory of go.mod relative to the descriptor; the Docker build context
	ModulePath string   // go.mod's module path
	Go         string   // Go release of the builder image
	GoFrom     string   // where Go came from: "descriptor", "go.mod toolchain", "go.mod go"
	Binaries   []Binary // sorted by name
	Entrypoint string   // name of the binary the container runs
	CGO        bool
	Vendor     bool // build with -mod=vendor from a consistent vendor/
	Tags       []string
	Ldflags    []string
	GoPrivate  []string
	PIE        bool
	HasGoSum   bool     // go.sum exists; the Dockerfile bind-mounts it only then
	Ignore     []string // extra .dockerignore patterns from the descriptor
}

// Binary is one main package built into the image at /<Name>.
type Binary struct {
	Name    string
	Package string // "./cmd/orders"
}

// Runtime names the family of the final stage's base image.
type Runtime string

const (
	Distroless Runtime = "distroless"
	Scratch    Runtime = "scratch"
	Alpine     Runtime = "alpine"
	Debian     Runtime = "debian"
)

// Image describes the built image and its bases.
type Image struct {
	Repository   string
	Tag          string // empty: the chart's appVersion
	Runtime      Runtime
	BuilderImage string // resolved: descriptor override or berth's pinned default
	RuntimeImage string // resolved; empty for scratch
	User         int
	Syntax       string // optional "# syntax=" frontend
	Digest       string // "sha256:…" pins the deployed image (ValidDigest); "" deploys the tag
	Registry     string // mirror replacing every image's registry; "" for none
}

// Protocol is a port's transport.
type Protocol string

const (
	TCP Protocol = "TCP"
	UDP Protocol = "UDP"
)

// Port is one named container port.
type Port struct {
	Name     string
	Port     int
	Protocol Protocol
}

// Volume is a writable directory: an emptyDir, or a PersistentVolumeClaim the chart
// creates (Persistent) or one the user manages (ExistingClaim).
type Volume struct {
	Name          string
	MountPath     string
	Size          string // emptyDir sizeLimit or the claim's request; "" for none
	Medium        string // "" or "Memory"
	Persistent    bool
	StorageClass  string
	AccessMode    string // set when Persistent
	ExistingClaim string
}

// EnvFrom imports every key of a Secret or ConfigMap berth does not manage.
type EnvFrom struct {
	ID        string
	Secret    string // exactly one of Secret and ConfigMap is set
	ConfigMap string
	Optional  bool
	Prefix    string
}

// Job is one-off work run before each install and upgrade, from one of the binaries.
type Job struct {
	Name                  string
	Binary                string
	Args                  []string
	BackoffLimit          int
	ActiveDeadlineSeconds int
}

// CronJob is scheduled work from one of the binaries.
type CronJob struct {
	Job
	Schedule                   string
	TimeZone                   string
	ConcurrencyPolicy          string
	SuccessfulJobsHistoryLimit int
	FailedJobsHistoryLimit     int
	Suspend                    bool
}

// Metrics is what a ServiceMonitor scrapes.
type Metrics struct {
	Port          string
	Path          string
	Interval      string
	ScrapeTimeout string
}

// Container is a sidecar or init container beside the service.
type Container struct {
	Name      string
	Image     string // mirrored when Image.Registry is set
	Command   []string
	Args      []string
	Ports     []Port
	Env       map[string]string
	Resources Resources
}

// SecretRef points an environment variable at a key of a Kubernetes Secret.
type SecretRef struct {
	Secret   string
	Key      string
	Optional bool
}

// Config is a set of files shipped as a ConfigMap.
type Config struct {
	MountPath string
	Files     []ConfigFile // sorted by name
}

// ConfigFile is one file of the ConfigMap; Data is read from Source at load time.
type ConfigFile struct {
	Name   string
	Source string // relative to the descriptor
	Data   string
}

// ProbeKind is the mechanism of a probe.
type ProbeKind string

const (
	HTTPProbe ProbeKind = "http"
	TCPProbe  ProbeKind = "tcp"
	GRPCProbe ProbeKind = "grpc"
	ExecProbe ProbeKind = "exec"
)

// Probe is one Kubernetes probe. Timing fields are zero when unset (chart defaults).
type Probe struct {
	Kind                ProbeKind
	Path                string   // http
	Service             string   // grpc
	Command             []string // exec
	Port                string   // named port for http, tcp and grpc
	InitialDelaySeconds int
	PeriodSeconds       int
	TimeoutSeconds      int
	FailureThreshold    int
	SuccessThreshold    int
}

// Health holds the probes (nil: none) and the optional Docker HEALTHCHECK.
type Health struct {
	Startup, Liveness, Readiness *Probe
	Docker                       []string
}

// Resources are container requests and limits keyed by resource name.
type Resources struct {
	Requests map[string]string
	Limits   map[string]string
}

// Autoscaling configures an autoscaling/v2 HorizontalPodAutoscaler.
type Autoscaling struct {
	MinReplicas  int
	MaxReplicas  int
	TargetCPU    int
	TargetMemory int // 0: not used
}

// Ingress exposes one named port under a host.
type Ingress struct {
	Host      string
	Path      string
	Port      string
	ClassName string
	TLSSecret string
}

// Environment is one deployment environment's full view.
type Environment struct {
	Name    string
	Service *Service
}

// ArgoCD configures the generated ApplicationSet.
type ArgoCD struct {
	RepoURL   string
	Revision  string
	Path      string
	Project   string
	Namespace string // with {{env}} placeholder
	Chart     ChartSource
}

// ChartSource is where Argo CD gets the go-service chart: a directory of a git
// repository, or, when OCI is set, a chart version in an OCI registry.
type ChartSource struct {
	RepoURL  string
	Path     string
	Revision string
	OCI      string // registry/repository without oci://, as Argo CD takes it
	Version  string // the chart version in OCI
}

// EntryBinary returns the binary the container runs.
func (s *Service) EntryBinary() Binary {
	for _, b := range s.Build.Binaries {
		if b.Name == s.Build.Entrypoint {
			return b
		}
	}
	return Binary{}
}

// Environment returns the full view of the named environment, or nil.
func (s *Service) Environment(name string) *Service {
	for _, e := range s.Environments {
		if e.Name == name {
			return e.Service
		}
	}
	return nil
}

// EnvironmentNames lists the environments in order.
func (s *Service) EnvironmentNames() []string {
	names := make([]string, 0, len(s.Environments))
	for _, e := range s.Environments {
		names = append(names, e.Name)
	}
	return names
}

// OneLine returns s unchanged when it is printable text, else Go-quoted: a value that
// goes into a comment or a header (a descriptor's file name) can then never start a new
// line, whatever line breaks (CR, NEL, U+2028) or control characters it holds.
func OneLine(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}

var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ValidDigest reports whether s is an image digest berth accepts: sha256 and 64
// lowercase hex digits, as the descriptor schema's digest.
func ValidDigest(s string) bool { return digestPattern.MatchString(s) }
