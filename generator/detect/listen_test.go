package detect

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

// scanSource runs the scanner over one file of Go source and returns the named
// ports as "name=number" and the health endpoints' paths.
func scanSource(t *testing.T, src string) (ports, paths []string) {
	t.Helper()
	s := &scanner{fset: token.NewFileSet()}
	f, err := parser.ParseFile(s.fset, "main.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	s.file = "main.go"
	s.consts = packageLiterals([]*ast.File{f})
	s.scanFile(f)
	for _, p := range namePorts(s.ports) {
		ports = append(ports, fmt.Sprintf("%s=%d", p.Name, p.Number))
	}
	for _, e := range s.endpoints {
		paths = append(paths, e.Path)
	}
	return ports, paths
}

func TestScanPorts(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"ListenAndServe literal", `http.ListenAndServe(":8080", nil)`, []string{"http=8080"}},
		{"all interfaces", `http.ListenAndServe("0.0.0.0:9000", nil)`, []string{"http=9000"}},
		{"constant", `const addr = ":7000"; http.ListenAndServe(addr, nil)`, []string{"http=7000"}},
		{"concatenation", `const port = "6000"; http.ListenAndServe(":"+port, nil)`, []string{"http=6000"}},
		{"server struct", `srv := &http.Server{Addr: ":8443"}; srv.ListenAndServe()`, []string{"http=8443"}},
		{"metrics server struct", `metricsServer := &http.Server{Addr: ":9100"}; _ = metricsServer`, []string{"metrics=9100"}},
		{"gin", `r := gin.Default(); r.Run(":8081")`, []string{"http=8081"}},
		{"echo", `e := echo.New(); e.Start(":1323")`, []string{"http=1323"}},
		{"fiber", `app := fiber.New(); app.Listen(":3000")`, []string{"http=3000"}},
		{"net.Listen", `net.Listen("tcp", ":5000")`, []string{"http=5000"}},
		{"flag string", `flag.String("addr", ":8080", "listen address")`, []string{"http=8080"}},
		{"flag int", `flag.Int("port", 8080, "port")`, []string{"http=8080"}},
		{"pflag StringVarP", `var a string; pflag.StringVarP(&a, "listen", "l", ":7777", "")`, []string{"http=7777"}},
		{"controller-runtime flags", `var m, p string
flag.StringVar(&m, "metrics-bind-address", ":8080", "")
flag.StringVar(&p, "health-probe-bind-address", ":8081", "")`, []string{"metrics=8080", "health=8081"}},
		{"grpc flag", `flag.Int("grpc-port", 50051, "")`, []string{"grpc=50051"}},
		{"env default helper", `getenv("PORT", "8082")`, []string{"http=8082"}},
		{"cmp.Or", `port := cmp.Or(os.Getenv("HTTP_PORT"), "8083"); _ = port`, []string{"http=8083"}},
		{"env fallback assignment", `port := os.Getenv("PORT"); if port == "" { port = "3001" }; _ = port`, []string{"http=3001"}},
		{"two of a kind", `go http.ListenAndServe(":8080", nil); http.ListenAndServe(":8090", nil)`, []string{"http=8080", "http-8090=8090"}},
		{"strong evidence hides weak", `defaultPort := 1234; _ = defaultPort; http.ListenAndServe(":8080", nil)`, []string{"http=8080"}},
		{"loopback is still reported", `http.ListenAndServe("127.0.0.1:8080", nil)`, []string{"http=8080"}},
		// Ports the service dials, not serves.
		{"redis address", `redisAddr := "localhost:6379"; _ = redisAddr`, nil},
		{"database port", `dbPort := 5432; _ = dbPort`, nil},
		{"client struct", `opts := redis.Options{Addr: ":6379"}; _ = opts`, nil},
		{"well-known port", `cfg := Config{Port: 5432}; _ = cfg`, nil},
		{"word inside a word", `report := 8080; transport := ":9090"; _, _ = report, transport`, nil},
		{"remote host", `http.ListenAndServe("example.com:80", nil)`, nil},
		{"upstream flag", `flag.String("upstream-addr", ":9000", "")`, nil},
		{"bare number without a port name", `timeout := "8080"; _ = timeout`, nil},
		{"variable port", `p := os.Args[1]; http.ListenAndServe(":"+p, nil)`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := scanSource(t, "package main\nfunc main() {\n"+tc.body+"\n}\n")
			if !slices.Equal(got, tc.want) {
				t.Errorf("ports = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestScanPortNote(t *testing.T) {
	s := &scanner{fset: token.NewFileSet()}
	f, err := parser.ParseFile(s.fset, "main.go", "package main\nfunc main() { http.ListenAndServe(\"localhost:8080\", nil) }\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	s.scanFile(f)
	if len(s.ports) != 1 || !strings.Contains(s.ports[0].Note, "listen on :8080") {
		t.Errorf("want a note about loopback, got %+v", s.ports)
	}
}

func TestScanFunctionReturningAddress(t *testing.T) {
	got, _ := scanSource(t, `package main
func listenAddr() string {
	if p := os.Getenv("PORT"); p != "" {
		return ":" + p
	}
	return ":8181"
}
func dsn() string { return "localhost:5432" }
`)
	if !slices.Equal(got, []string{"http=8181"}) {
		t.Errorf("ports = %v", got)
	}
}

func TestScanHealthRoutes(t *testing.T) {
	_, paths := scanSource(t, `package main
func main() {
	mux.HandleFunc("GET /healthz", h)
	r.Get("/readyz", h)
	e.GET("/api/v1/health", h)
	router.Handle("/livez", h)
	mux.HandleFunc("/orders/{id}", h)
	log.Println("/healthz")
	mux.HandleFunc("POST /healthz/reset/{x}", h)
}`)
	want := []string{"/healthz", "/readyz", "/api/v1/health", "/livez"}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %v, want %v", paths, want)
	}
}

func TestChooseHealth(t *testing.T) {
	eps := func(paths ...string) []Endpoint {
		var out []Endpoint
		for _, p := range paths {
			out = append(out, Endpoint{Path: p})
		}
		return out
	}
	path := func(e *Endpoint) string {
		if e == nil {
			return "-"
		}
		return e.Path
	}
	for _, tc := range []struct {
		paths []string
		want  string // startup liveness readiness
	}{
		{[]string{"/healthz", "/readyz"}, "/healthz /healthz /readyz"},
		{[]string{"/readyz", "/livez", "/healthz"}, "/livez /livez /readyz"},
		{[]string{"/health"}, "/health /health /health"},
		{[]string{"/ready"}, "/ready - /ready"},
		{[]string{"/ping", "/startupz"}, "/startupz /ping /ping"},
		{nil, "- - -"},
	} {
		h := chooseHealth(eps(tc.paths...))
		if got := path(h.Startup) + " " + path(h.Liveness) + " " + path(h.Readiness); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.paths, got, tc.want)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"metricsBindAddress":        "metrics bind address",
		"METRICS_BIND_ADDR":         "metrics bind addr",
		"health-probe-bind-address": "health probe bind address",
		"HTTPAddr":                  "http addr",
		"grpcPort":                  "grpc port",
		"report":                    "report",
	} {
		if got := strings.Join(words(in), " "); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRoutePath(t *testing.T) {
	for in, want := range map[string]string{
		"/healthz":                 "/healthz",
		"GET /healthz":             "/healthz",
		"GET example.com/healthz":  "/healthz",
		"/items/{id}":              "",
		"healthz":                  "",
		"HEAD api.local/v1/readyz": "/v1/readyz",
	} {
		if got := routePath(in); got != want {
			t.Errorf("routePath(%q) = %q, want %q", in, got, want)
		}
	}
}
