// Package dockerfile renders the Dockerfile and .dockerignore of a service, and
// proves the .dockerignore keeps every file the build reads.
package dockerfile

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/berth-dev/berth/generator/model"
)

//go:embed templates/Dockerfile.tmpl
var templates embed.FS

// AirVersion is the hot-reload tool the dev target installs.
const AirVersion = "v1.67.4"

// DelveVersion is the Delve the debug target installs; DebugPort is where it listens.
const (
	DelveVersion = "v1.27.2"
	DebugPort    = 2345
)

var dockerfileTemplate = template.Must(
	template.New("Dockerfile.tmpl").Option("missingkey=error").Funcs(sprig.TxtFuncMap()).Funcs(template.FuncMap{"dockerQuote": DockerQuote}).ParseFS(templates, "templates/Dockerfile.tmpl"),
)

// view is what the template sees: every decision made here in Go, the template only
// lays it out.
type view struct {
	Name, Description, Source, Repository string
	Syntax                                string
	BuilderImage, RuntimeImage            string
	GoVersionArg                          string // GO_VERSION's default when the builder is berth's golang image
	RuntimeDescription                    string
	SourceURL                             string
	CGO, MuslCGO, Vendor, HasGoSum, PIE   bool
	Scratch, CopyCACerts                  bool
	GoPrivate, Tags                       []string
	Ldflags                               string
	DebugLdflags                          string // the descriptor's ldflags without -s -w
	Binaries                              []model.Binary
	Entrypoint                            string
	Ports                                 []port
	Cmd                                   string   // exec-form JSON; "" for none
	Volumes                               []string // mount paths of the writable volumes
	User                                  int
	Healthcheck                           string
	DevEntrypoint                         string
	AirVersion                            string
	DelveVersion                          string
	DebugPort                             int
}

// Render returns the Dockerfile for svc.
func Render(svc *model.Service) ([]byte, error) {
	v, err := newView(svc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := dockerfileTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("rendering Dockerfile: %w", err)
	}
	return tidy(buf.Bytes()), nil
}

func newView(svc *model.Service) (*view, error) {
	b, img := svc.Build, svc.Image
	facts := img.Runtime.Facts(b.CGO)
	v := &view{
		Name:               svc.Name,
		Description:        svc.Description,
		Source:             svc.Source,
		Repository:         img.Repository,
		Syntax:             img.Syntax,
		BuilderImage:       model.Mirror(img.BuilderImage, img.Registry),
		RuntimeImage:       model.Mirror(img.RuntimeImage, img.Registry),
		RuntimeDescription: img.Runtime.Describe(b.CGO),
		SourceURL:          sourceURL(svc),
		CGO:                b.CGO,
		MuslCGO:            b.CGO && facts.Libc == model.Musl,
		Vendor:             b.Vendor,
		HasGoSum:           b.HasGoSum,
		PIE:                b.PIE,
		Scratch:            img.Runtime == model.Scratch,
		CopyCACerts:        img.Runtime != model.Scratch && !facts.Certs,
		GoPrivate:          b.GoPrivate,
		Tags:               buildTags(svc),
		Ldflags:            strings.Join(append([]string{"-s", "-w"}, b.Ldflags...), " "),
		DebugLdflags:       strings.Join(b.Ldflags, " "),
		Binaries:           b.Binaries,
		Entrypoint:         b.Entrypoint,
		Ports:              dockerPorts(svc.Ports),
		User:               img.User,
		AirVersion:         AirVersion,
		DelveVersion:       DelveVersion,
		DebugPort:          DebugPort,
	}
	// berth's own golang image takes its Go release from GO_VERSION (a CI matrix switches
	// it with --build-arg); an image the descriptor names is used as written.
	if img.BuilderImage == img.Runtime.BuilderImage(b.Go, b.CGO) && strings.Contains(v.BuilderImage, ":"+b.Go+"-") {
		v.BuilderImage = strings.Replace(v.BuilderImage, ":"+b.Go+"-", ":${GO_VERSION}-", 1)
		v.GoVersionArg = b.Go
	}
	for _, vol := range svc.Volumes {
		v.Volumes = append(v.Volumes, path.Clean(vol.MountPath))
	}
	if len(svc.Args) > 0 {
		cmd, err := json.Marshal(svc.Args)
		if err != nil {
			return nil, err
		}
		v.Cmd = string(cmd)
	}
	if len(svc.Health.Docker) > 0 {
		hc, err := json.Marshal(svc.Health.Docker)
		if err != nil {
			return nil, err
		}
		v.Healthcheck = string(hc)
	}
	dev, err := devEntrypoint(svc, v.Tags)
	if err != nil {
		return nil, err
	}
	v.DevEntrypoint = dev
	return v, nil
}

// port is a container port as Docker writes it.
type port struct {
	Expose  string // EXPOSE argument: 8080, or 53/udp
	Publish string // docker run -p argument: 8080:8080, or 53:53/udp
}

func dockerPorts(ports []model.Port) []port {
	out := make([]port, 0, len(ports))
	for _, p := range ports {
		n := strconv.Itoa(p.Port)
		suffix := ""
		if p.Protocol == model.UDP {
			suffix = "/udp"
		}
		out = append(out, port{Expose: n + suffix, Publish: n + ":" + n + suffix})
	}
	return out
}

// buildTags adds timetzdata where the runtime has no zoneinfo, so time.LoadLocation
// works without the base image's help.
func buildTags(svc *model.Service) []string {
	tags := append([]string(nil), svc.Build.Tags...)
	if !svc.Image.Runtime.Facts(svc.Build.CGO).TZData {
		tags = append(tags, "timetzdata")
	}
	return tags
}

func devEntrypoint(svc *model.Service, tags []string) (string, error) {
	build := "go build"
	if len(tags) > 0 {
		build += " -tags " + strings.Join(tags, ",")
	}
	entry := svc.EntryBinary()
	build += " -o /tmp/bin/" + entry.Name + " " + entry.Package
	argv := []string{
		"air",
		"--build.cmd", build,
		"--build.bin", "/tmp/bin/" + entry.Name,
		"--build.exclude_dir", "vendor,testdata,deploy",
		"--tmp_dir", "/tmp/air",
	}
	if len(svc.Args) > 0 { // after --, air passes them to the binary
		argv = append(append(argv, "--"), svc.Args...)
	}
	data, err := json.Marshal(argv)
	return string(data), err
}

// DockerQuote writes s as one double-quoted Dockerfile word that BuildKit reads back as
// exactly s: a backslash escapes the quote, the backslash itself and $, so no variable
// is expanded (LABEL and ARG values are expanded like shell words).
func DockerQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' || r == '$' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// sourceURL defaults the image's source label to the https form of the Argo CD
// repository, when there is one.
func sourceURL(svc *model.Service) string {
	if svc.ArgoCD == nil || !strings.HasPrefix(svc.ArgoCD.RepoURL, "https://") {
		return DockerQuote("")
	}
	return DockerQuote(strings.TrimSuffix(svc.ArgoCD.RepoURL, ".git"))
}

// tidy trims trailing blanks and ends the file with exactly one newline.
func tidy(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return []byte(strings.TrimRight(strings.Join(lines, "\n"), "\n") + "\n")
}
