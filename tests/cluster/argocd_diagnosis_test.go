package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// diagnosis ends every failure of the Argo CD test. CI shows only the last lines of a
// failing test's output, so the facts that explain a failure come compactly, the most
// telling last: the last warnings and errors of Argo CD's components and of the
// kube-controller-manager (whose garbage collector deletes an ApplicationSet's
// Applications and whose controllers make a Deployment's pods), the latest Warning
// events (but the two every pod and node of the test cluster gets: it runs no cluster
// DNS, and the machine has cgroup v1), the node, pods that are not Ready, and each
// Application's state.
func (a *argocd) diagnosis() string {
	var b strings.Builder
	b.WriteString("--- diagnosis\n")
	for _, name := range []string{"argocd-repo-server", "argocd-applicationset-controller", "argocd-application-controller"} {
		b.WriteString(logProblems(filepath.Join(a.dir, name+".log")))
	}
	if kubeconfig := os.Getenv("KUBECONFIG"); kubeconfig != "" { // up.sh keeps the logs beside it
		b.WriteString(logProblems(filepath.Join(filepath.Dir(kubeconfig), "logs", "kube-controller-manager.log")))
	}
	b.WriteString(kubectlLines("warning events", "get", "events", "-A", "--field-selector", "type=Warning,reason!=MissingClusterDNS,reason!=CgroupV1",
		"--sort-by", ".lastTimestamp", "--no-headers", "-o", "custom-columns=NS:.metadata.namespace,OBJ:.involvedObject.name,REASON:.reason,MSG:.message"))
	b.WriteString(kubectlLines("node", "get", "nodes", "--no-headers"))
	b.WriteString(unreadyPods())
	b.WriteString(applicationStates())
	return b.String()
}

// applicationStates is a line per Application: sync and health, the operation's phase
// and message, conditions, and whether (and since when) it is being deleted.
func applicationStates() string {
	list, err := listApplications()
	if err != nil {
		return fmt.Sprintf("applications: %v\n", err)
	}
	if len(list) == 0 {
		return "applications: none\n"
	}
	var b strings.Builder
	for _, app := range list {
		s := app.Status
		fmt.Fprintf(&b, "application %s: %s/%s", app.Metadata.Name, s.Sync.Status, s.Health.Status)
		if op := s.OperationState; op != nil {
			fmt.Fprintf(&b, "; operation %s: %s", op.Phase, clip(op.Message, 300))
		}
		for _, c := range s.Conditions {
			fmt.Fprintf(&b, "; %s: %s", c.Type, clip(c.Message, 300))
		}
		if app.Metadata.DeletionTimestamp != "" {
			fmt.Fprintf(&b, "; deleting since %s, finalizers %v", app.Metadata.DeletionTimestamp, app.Metadata.Finalizers)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// unreadyPods is a line per pod outside kube-system that is not Ready, with the reasons
// its containers wait or ended.
func unreadyPods() string {
	out, err := exec.Command("kubectl", "get", "pods", "-A", "-o", "json").Output()
	if err != nil {
		return fmt.Sprintf("pods: %v\n", err)
	}
	var list struct {
		Items []struct {
			Metadata struct {
				Namespace, Name   string
				DeletionTimestamp string `json:"deletionTimestamp"`
			} `json:"metadata"`
			Status struct {
				Phase      string
				Conditions []struct{ Type, Status string }
				Containers []struct {
					Name  string
					State map[string]struct{ Reason, Message string }
				} `json:"containerStatuses"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return fmt.Sprintf("pods: %v\n", err)
	}
	var b strings.Builder
	for _, p := range list.Items {
		if p.Metadata.Namespace == "kube-system" || slices.ContainsFunc(p.Status.Conditions, func(c struct{ Type, Status string }) bool {
			return c.Type == "Ready" && c.Status == "True"
		}) {
			continue
		}
		fmt.Fprintf(&b, "pod %s/%s not Ready: %s", p.Metadata.Namespace, p.Metadata.Name, p.Status.Phase)
		if p.Metadata.DeletionTimestamp != "" {
			fmt.Fprintf(&b, ", terminating since %s", p.Metadata.DeletionTimestamp)
		}
		for _, c := range p.Status.Containers {
			for state, detail := range c.State {
				fmt.Fprintf(&b, "; %s %s", c.Name, strings.TrimSpace(state+" "+detail.Reason+" "+clip(detail.Message, 200)))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// kubectlLines is kubectl's output, its last ten lines, each prefixed with what.
func kubectlLines(what string, args ...string) string {
	out, err := exec.Command("kubectl", args...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		return fmt.Sprintf("%s: %v: %s\n", what, err, clip(string(out), 300))
	}
	var b strings.Builder
	for _, l := range lines[max(0, len(lines)-10):] {
		if l != "" {
			fmt.Fprintf(&b, "%s: %s\n", what, clip(strings.Join(strings.Fields(l), " "), 300))
		}
	}
	return b.String()
}

// logProblems is the last five distinct warnings and errors of a component's log:
// Argo CD logs JSON with a level, klog marks errors with a leading E and warnings
// with a leading W followed by the date.
func logProblems(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		if !problemLine(line) || slices.Contains(found, line) {
			continue
		}
		found = append(found, line)
	}
	var b strings.Builder
	for _, l := range found[max(0, len(found)-5):] {
		fmt.Fprintf(&b, "%s: %s\n", strings.TrimSuffix(filepath.Base(path), ".log"), clip(l, 400))
	}
	return b.String()
}

func problemLine(line string) bool {
	if strings.Contains(line, `"level":"error"`) || strings.Contains(line, `"level":"fatal"`) {
		return true
	}
	// The one warning every start logs: the test runs a single unsharded controller.
	if strings.Contains(line, `"level":"warning"`) {
		return !strings.Contains(line, "has no assigned shard")
	}
	if len(line) < 5 || (line[0] != 'E' && line[0] != 'W') || line[1] < '0' || line[1] > '9' {
		return false
	}
	// Routine on every cluster: write conflicts a controller retries, and the
	// request-header CA that this cluster's API server does not configure.
	return !strings.Contains(line, "the object has been modified") && !strings.Contains(line, "requestheader-client-ca-file")
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
