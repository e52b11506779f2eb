package e2e

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/tests/testutil"
)

// pinned tools of make tools, relative to the repository.
const (
	registryTool  = "bin/registry-v3.1.1/registry"
	buildkitdTool = "bin/buildkit-v0.34.2/buildkitd"
	buildctlTool  = "bin/buildkit-v0.34.2/buildctl"
)

func pinnedTool(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("\n\n*** %s is missing; run `make tools` to build it ***\n\n", rel)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING:" + msg)
	}
	return p
}

// buildkit is a buildkitd started for one test: its own root (so its cache starts
// empty), a unix socket in a temporary directory, the OCI worker with Debian's runc,
// and the test's registry on 127.0.0.1 allowed over plain HTTP.
type buildkit struct {
	addr, buildctl string
}

func startBuildkit(t *testing.T, registry string) *buildkit {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "buildkitd.toml")
	toml := fmt.Sprintf("[worker.oci]\n  enabled = true\n  gc = false\n[worker.containerd]\n  enabled = false\n[registry.%q]\n  http = true\n  insecure = true\n", registry)
	if err := os.WriteFile(config, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := "unix://" + filepath.Join(dir, "buildkitd.sock")
	log := testutil.StartServer(t, dir, "buildkitd", exec.Command(pinnedTool(t, buildkitdTool), "--root", filepath.Join(dir, "root"), "--addr", sock, "--config", config))
	b := &buildkit{addr: sock, buildctl: pinnedTool(t, buildctlTool)}
	for range 100 {
		if exec.Command(b.buildctl, "--addr", sock, "debug", "workers").Run() == nil {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := os.ReadFile(log)
	t.Fatalf("buildkitd did not start:\n%s", out)
	return nil
}

// build runs buildctl build on a directory holding a Dockerfile, pushing the result.
func (b *buildkit) build(t *testing.T, dir string, opts ...string) time.Duration {
	t.Helper()
	args := []string{"--addr", b.addr, "build", "--frontend", "dockerfile.v0", "--local", "context=" + dir, "--local", "dockerfile=" + dir}
	for _, o := range opts {
		if strings.HasPrefix(o, "type=") {
			args = append(args, "--output", o)
		} else {
			args = append(args, "--opt", o)
		}
	}
	start := time.Now()
	out, err := exec.Command(b.buildctl, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("buildctl build: %v\n%s", err, out)
	}
	return time.Since(start)
}

// mirrorStandIns puts the stand-in base images where a Dockerfile generated with
// image.registry: ADDR/mirror looks for them: the builder for the build platform
// (linux/amd64) and the distroless runtime as an index for linux/amd64 and
// linux/arm64 (it holds only files, so one layer set serves both).
func mirrorStandIns(t *testing.T, addr string) string {
	t.Helper()
	baseImages(t)
	mirror := addr + "/mirror"
	builder := model.Mirror("golang:1.26-trixie", mirror)
	docker(t, "tag", "golang:1.26-trixie", builder)
	docker(t, "push", builder)
	runtime := model.Mirror("gcr.io/distroless/static-debian13:nonroot", mirror)
	docker(t, "tag", "gcr.io/distroless/static-debian13:nonroot", runtime)
	docker(t, "push", runtime)
	// The tags name a registry that lives only as long as the test: drop them after.
	t.Cleanup(func() { _, _ = dockerOut("rmi", builder, runtime) })
	ref, err := name.ParseReference(runtime, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	amd64, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx := mutate.IndexMediaType(empty.Index, "application/vnd.oci.image.index.v1+json")
	for _, arch := range []string{"amd64", "arm64"} {
		cfg, err := amd64.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cfg = cfg.DeepCopy()
		cfg.Architecture, cfg.OS = arch, "linux"
		img, err := mutate.ConfigFile(amd64, cfg)
		if err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	return mirror
}

// helloMirrored generates the hello example with its images named in the mirror.
func helloMirrored(t *testing.T, mirror string) string {
	t.Helper()
	dir := t.TempDir()
	root := repoRoot(t)
	for _, f := range []string{"go.mod", "main.go", "service.yaml"} {
		data, err := os.ReadFile(filepath.Join(root, "examples", "hello", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "service.yaml" {
			data = []byte(strings.Replace(string(data), "\nimage:\n", "\nimage:\n  registry: "+mirror+"\n", 1))
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := pipeline.GenerateFile(filepath.Join(dir, "service.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := output.Write(dir, res.Files); err != nil {
		t.Fatal(err)
	}
	df, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(df), "FROM "+mirror+"/distroless/static-debian13:nonroot") {
		t.Fatalf("the Dockerfile does not use the mirror:\n%s", df)
	}
	return dir
}

// TestMultiPlatformBuild: the generated Dockerfile, unmodified, builds with a real
// buildkitd for linux/amd64 and linux/arm64 into one OCI index pushed to a real registry,
// cross-compiled on the build platform (the builder exists only for amd64, so no stage
// of the other platform runs); each image's binary is an ELF for its machine.
func TestMultiPlatformBuild(t *testing.T) {
	requireDocker(t)
	addr := testutil.StartRegistry(t, pinnedTool(t, registryTool))
	mirror := mirrorStandIns(t, addr)
	dir := helloMirrored(t, mirror)
	bk := startBuildkit(t, addr)
	image := addr + "/acme/hello:1.0.0"
	revision := strings.Repeat("c0ffee", 6) + "abcd"
	took := bk.build(t, dir, "platform=linux/amd64,linux/arm64", "build-arg:VERSION=1.0.0", "build-arg:REVISION="+revision,
		"attest:provenance=mode=max", "type=image,name="+image+",push=true,registry.insecure=true,oci-mediatypes=true")
	t.Logf("multi-platform build from an empty cache: %s", took.Round(time.Millisecond))
	ref, err := name.ParseReference(image, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(ref)
	if err != nil {
		t.Fatalf("the pushed image is not an index: %v", err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	seen := 0
	for _, m := range manifest.Manifests {
		if m.Platform == nil || m.Platform.OS != "linux" {
			continue // attestation manifests
		}
		machine, ok := want[m.Platform.Architecture]
		if !ok {
			t.Errorf("unexpected platform %v", m.Platform)
			continue
		}
		seen++
		img, err := idx.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		bin := fileFromImage(t, img, "hello")
		f, err := elf.NewFile(bytes.NewReader(bin))
		if err != nil {
			t.Fatalf("%s: /hello is not an ELF: %v", m.Platform.Architecture, err)
		}
		if f.Machine != machine {
			t.Errorf("%s: /hello is built for %s", m.Platform.Architecture, f.Machine)
		}
	}
	if seen != 2 {
		t.Errorf("the index holds %d of the 2 platforms", seen)
	}
	checkProvenance(t, idx, manifest, revision)
}

// checkProvenance reads the provenance attestations BuildKit pushed in the index (one
// attestation manifest per platform image, an in-toto statement in its layer) and
// checks that each names the Dockerfile it was built from and the source revision.
func checkProvenance(t *testing.T, idx v1.ImageIndex, manifest *v1.IndexManifest, revision string) {
	t.Helper()
	found := 0
	for _, m := range manifest.Manifests {
		if m.Annotations["vnd.docker.reference.type"] != "attestation-manifest" {
			continue
		}
		img, err := idx.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range layers {
			mt, _ := l.MediaType()
			rc, err := l.Uncompressed()
			if err != nil {
				t.Fatal(err)
			}
			statement, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(statement), "https://slsa.dev/provenance/") {
				continue
			}
			found++
			for _, want := range []string{`"Dockerfile"`, revision} {
				if !strings.Contains(string(statement), want) {
					t.Errorf("the provenance (%s) does not name %s:\n%.2000s", mt, want, statement)
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("%d provenance statements in the index, want one per platform", found)
	}
}

// fileFromImage reads a file from the image's layers (the last layer that has it).
func fileFromImage(t *testing.T, img v1.Image, file string) []byte {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var found []byte
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimPrefix(h.Name, "./") == file {
				if found, err = io.ReadAll(tr); err != nil {
					t.Fatal(err)
				}
			}
		}
		rc.Close()
	}
	if found == nil {
		t.Fatalf("no /%s in the image", file)
	}
	return found
}

// TestReproducibleBuild: two multi-platform builds of the generated Dockerfile, each
// from an empty BuildKit cache, with SOURCE_DATE_EPOCH set to the commit time and the
// exporter's rewrite-timestamp, push the same index digest; the images are dated at
// the commit time.
func TestReproducibleBuild(t *testing.T) {
	requireDocker(t)
	addr := testutil.StartRegistry(t, pinnedTool(t, registryTool))
	mirror := mirrorStandIns(t, addr)
	dir := helloMirrored(t, mirror)
	epoch, err := exec.Command("git", "-C", repoRoot(t), "log", "-1", "--format=%ct").Output()
	if err != nil {
		t.Fatalf("git log: %v", err)
	}
	sde := strings.TrimSpace(string(epoch))
	var digests []string
	for i, tag := range []string{"first", "second"} {
		bk := startBuildkit(t, addr) // a fresh root: nothing cached from the other build
		image := addr + "/acme/hello:" + tag
		took := bk.build(t, dir, "platform=linux/amd64,linux/arm64", "build-arg:VERSION=1.0.0", "build-arg:SOURCE_DATE_EPOCH="+sde,
			"type=image,name="+image+",push=true,registry.insecure=true,oci-mediatypes=true,rewrite-timestamp=true")
		t.Logf("build %d from an empty cache: %s", i+1, took.Round(time.Millisecond))
		ref, err := name.ParseReference(image, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Get(ref)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, desc.Digest.String())
		img, err := desc.Image()
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(cfg.Created.Unix()); got != sde {
			t.Errorf("build %d: the image is dated %s (%s), want the commit time %s", i+1, got, cfg.Created, sde)
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of one commit differ: %s and %s", digests[0], digests[1])
	}
}

// TestBuildTimes measures, when BERTH_BENCH_BUILDS=1 (bench/builds.sh), the generated
// Dockerfile's build with a real buildkitd: single-platform and multi-platform, each
// from an empty cache and again after a one-line change to main.go, RUNS times each.
func TestBuildTimes(t *testing.T) {
	if os.Getenv("BERTH_BENCH_BUILDS") != "1" {
		t.Skip("a benchmark: run bench/builds.sh")
	}
	requireDocker(t)
	addr := testutil.StartRegistry(t, pinnedTool(t, registryTool))
	mirror := mirrorStandIns(t, addr)
	runs := 3
	fmt.Sscan(os.Getenv("RUNS"), &runs)
	results := map[string][]time.Duration{}
	order := []string{}
	record := func(k string, d time.Duration) {
		if _, ok := results[k]; !ok {
			order = append(order, k)
		}
		results[k] = append(results[k], d)
	}
	for i := range runs {
		for _, platforms := range []string{"linux/amd64", "linux/amd64,linux/arm64"} {
			dir := helloMirrored(t, mirror)
			bk := startBuildkit(t, addr)
			out := "type=image,name=" + addr + "/bench/hello:" + fmt.Sprint(i) + ",push=true,registry.insecure=true,oci-mediatypes=true"
			record(platforms+" cold", bk.build(t, dir, "platform="+platforms, "build-arg:VERSION=1.0.0", out))
			main := filepath.Join(dir, "main.go")
			src, err := os.ReadFile(main)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(main, append(src, []byte("\n// a one-line change\n")...), 0o644); err != nil {
				t.Fatal(err)
			}
			record(platforms+" one-line change", bk.build(t, dir, "platform="+platforms, "build-arg:VERSION=1.0.1", out))
		}
	}
	for _, k := range order {
		ds := results[k]
		slices.Sort(ds)
		fmt.Printf("%-40s median %6.1f s of %d: %v\n", k, ds[len(ds)/2].Seconds(), len(ds), ds)
	}
}

// TestGoVersionArg: --build-arg GO_VERSION switches the builder image of a generated
// Dockerfile (a stand-in golang:1.26.99-trixie carrying a marker file here), with the
// Dockerfile unmodified.
func TestGoVersionArg(t *testing.T) {
	requireDocker(t)
	baseImages(t)
	ctx := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte("FROM golang:1.26-trixie\nRUN echo 1.26.99 > /GO_MARKER\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const builder, deps = "golang:1.26.99-trixie", "berth-e2e-go-version:deps"
	docker(t, "build", "-q", "-t", builder, ctx)
	t.Cleanup(func() { _, _ = dockerOut("rmi", deps, builder) })
	docker(t, "build", "-q", "--target", "deps", "--build-arg", "GO_VERSION=1.26.99", "-t", deps, filepath.Join(repoRoot(t), "examples", "hello"))
	if got := docker(t, "run", "--rm", "--entrypoint", "cat", deps, "/GO_MARKER"); got != "1.26.99" {
		t.Errorf("the deps stage was not built FROM %s (marker %q)", builder, got)
	}
}
