{{/*
Naming. Names are stable across chart versions: selectors and resource names never change.
*/}}
{{- define "go-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "go-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "go-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: name and instance only. They are immutable on a Deployment, so nothing else
may ever be added here.
*/}}
{{- define "go-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "go-service.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
Pod template labels: no helm.sh/chart, so a chart-only upgrade does not restart pods.
*/}}
{{- define "go-service.podLabels" -}}
{{- $labels := merge (dict) (.Values.podLabels | default dict) (.Values.commonLabels | default dict) }}
{{- $_ := set $labels "app.kubernetes.io/version" (include "go-service.version" .) }}
{{- range $k, $v := $labels }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}
{{ include "go-service.selectorLabels" . }}
{{- end }}

{{/*
Labels of every object.
*/}}
{{- define "go-service.labels" -}}
{{- range $k, $v := .Values.commonLabels }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}
{{ include "go-service.selectorLabels" . }}
app.kubernetes.io/version: {{ include "go-service.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ include "go-service.chart" . | quote }}
{{- end }}

{{/*
Object metadata: name, labels and the common annotations merged with extra ones.
Call with (dict "ctx" $ "name" NAME "annotations" MAP "labels" MAP).
*/}}
{{- define "go-service.metadata" -}}
name: {{ .name | quote }}
labels:
  {{- include "go-service.labels" .ctx | trim | nindent 2 }}
  {{- range $k, $v := .labels }}
  {{- if not (kindIs "invalid" $v) }}
  {{ $k }}: {{ $v | toString | quote }}
  {{- end }}
  {{- end }}
{{- $annotations := merge (dict) (.annotations | default dict) (.ctx.Values.commonAnnotations | default dict) }}
{{- with (include "go-service.stringMap" $annotations) }}
annotations:
  {{- . | trim | nindent 2 }}
{{- end }}
{{- end }}

{{/*
A map rendered as sorted string pairs; null values are skipped (a later values file deleted them).
*/}}
{{- define "go-service.stringMap" -}}
{{- range $k, $v := . }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "go-service.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "go-service.image" -}}
{{- $repo := required "image.repository is required" .Values.image.repository }}
{{- $ref := printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion) }}
{{- with .Values.image.digest }}
{{- $ref = printf "%s@%s" $ref . }}
{{- end }}
{{- $ref }}
{{- end }}

{{- define "go-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "go-service.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/*
Ports with their defaults filled in, NAME: {port, protocol, servicePort, appProtocol, expose},
as YAML (read back with fromYaml). Null entries are dropped.
*/}}
{{- define "go-service.ports" -}}
{{- range $name, $p := .Values.ports }}
{{- if not (kindIs "invalid" $p) }}
{{- $spec := $p }}
{{ $name }}:
  port: {{ int $spec.port }}
  protocol: {{ $spec.protocol | default "TCP" }}
  servicePort: {{ int ($spec.servicePort | default $spec.port) }}
  {{- with $spec.appProtocol }}
  appProtocol: {{ . | quote }}
  {{- end }}
  expose: {{ ternary $spec.expose true (hasKey $spec "expose") }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The replica count that matters for the PDB: minReplicas under autoscaling, else replicas.
*/}}
{{- define "go-service.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ int .Values.autoscaling.minReplicas }}{{ else }}{{ int .Values.replicas }}{{ end }}
{{- end }}

{{/*
A probe from values: (dict "ctx" $ "name" "liveness" "probe" VALUES "ports" PORTS).
A named port must exist in `ports`; grpc needs the number, so names are resolved.
*/}}
{{- define "go-service.probe" -}}
{{- $p := .probe }}
{{- $port := $p.port }}
{{- if and (kindIs "string" $port) (ne $p.type "exec") }}
{{- if not (hasKey .ports $port) }}
{{- fail (printf "probes.%s.port: %q is not a port name in ports (have: %s)" .name $port (keys .ports | sortAlpha | join ", ")) }}
{{- end }}
{{- end }}
{{- if eq $p.type "http" }}
httpGet:
  path: {{ required (printf "probes.%s.path is required for type http" .name) $p.path | quote }}
  port: {{ if kindIs "string" $port }}{{ $port | quote }}{{ else }}{{ int $port }}{{ end }}
  scheme: {{ $p.scheme | default "HTTP" }}
  {{- with $p.httpHeaders }}
  httpHeaders:
    {{- range $k, $v := . }}
    {{- if not (kindIs "invalid" $v) }}
    - name: {{ $k | quote }}
      value: {{ $v | toString | quote }}
    {{- end }}
    {{- end }}
  {{- end }}
{{- else if eq $p.type "tcp" }}
tcpSocket:
  port: {{ if kindIs "string" $port }}{{ $port | quote }}{{ else }}{{ int $port }}{{ end }}
{{- else if eq $p.type "grpc" }}
grpc:
  port: {{ if kindIs "string" $port }}{{ (get .ports $port).port }}{{ else }}{{ int $port }}{{ end }}
  {{- with $p.service }}
  service: {{ . | quote }}
  {{- end }}
{{- else if eq $p.type "exec" }}
exec:
  command:
    {{- range (required (printf "probes.%s.command is required for type exec" .name) $p.command) }}
    - {{ . | quote }}
    {{- end }}
{{- else }}
{{- fail (printf "probes.%s.type: %q is not one of http, tcp, grpc, exec" .name $p.type) }}
{{- end }}
initialDelaySeconds: {{ int $p.initialDelaySeconds }}
periodSeconds: {{ int $p.periodSeconds }}
timeoutSeconds: {{ int $p.timeoutSeconds }}
failureThreshold: {{ int $p.failureThreshold }}
successThreshold: {{ int $p.successThreshold }}
{{- end }}

{{/*
env from the map, sorted by name, then GOMEMLIMIT from the memory limit unless set.
*/}}
{{- define "go-service.env" -}}
{{- range $name, $v := .Values.env }}
{{- if not (kindIs "invalid" $v) }}
- name: {{ $name | quote }}
{{- if kindIs "map" $v }}
{{- if hasKey $v "value" }}
  value: {{ $v.value | toString | quote }}
{{- else }}
  valueFrom:
    {{- toYaml $v | nindent 4 }}
{{- end }}
{{- else }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.go.memLimitFromResources (not (hasKey .Values.env "GOMEMLIMIT")) (dig "limits" "memory" nil .Values.resources) }}
- name: "GOMEMLIMIT"
  valueFrom:
    resourceFieldRef:
      containerName: {{ include "go-service.name" . | quote }}
      resource: limits.memory
{{- end }}
{{- end }}

{{/*
envFrom from the map keyed by id, sorted by id.
*/}}
{{- define "go-service.envFrom" -}}
{{- $list := list }}
{{- range $id, $s := .Values.envFrom }}
{{- if not (kindIs "invalid" $s) }}
{{- $ref := dict "optional" ($s.optional | default false) }}
{{- $entry := dict }}
{{- if $s.configMap }}
{{- $_ := set $ref "name" (tpl $s.configMap $) }}
{{- $_ = set $entry "configMapRef" $ref }}
{{- else if $s.secret }}
{{- $_ := set $ref "name" (tpl $s.secret $) }}
{{- $_ = set $entry "secretRef" $ref }}
{{- else }}
{{- fail (printf "envFrom.%s: set configMap or secret" $id) }}
{{- end }}
{{- with $s.prefix }}
{{- $_ := set $entry "prefix" . }}
{{- end }}
{{- $list = append $list $entry }}
{{- end }}
{{- end }}
{{- with $list }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Extra containers (init or sidecar) from a map keyed by name. A container without a
securityContext gets the main container's, so Pod Security "restricted" still holds.
*/}}
{{- define "go-service.extraContainers" -}}
{{- $ctx := .ctx }}
{{- $list := list }}
{{- range $name, $c := .containers }}
{{- if not (kindIs "invalid" $c) }}
{{- $spec := merge (dict "name" $name) $c }}
{{- if not (hasKey $c "securityContext") }}
{{- $_ := set $spec "securityContext" $ctx.Values.securityContext }}
{{- end }}
{{- $list = append $list $spec }}
{{- end }}
{{- end }}
{{- with $list }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Config file data without deleted (null) entries, as YAML; empty when there is none.
*/}}
{{- define "go-service.configData" -}}
{{- $data := dict }}
{{- range $name, $content := .Values.config.files }}
{{- if not (kindIs "invalid" $content) }}
{{- $_ := set $data $name ($content | toString) }}
{{- end }}
{{- end }}
{{- /* Each value is one double-quoted scalar (Go quoting: every control character,
NEL, U+2028 and U+2029 escaped), so any UTF-8 text reaches the ConfigMap exactly;
toYaml would write line breaks that YAML 1.1 readers split differently. */}}
{{- range $name := keys $data | sortAlpha }}
{{ $name | quote }}: {{ get $data $name | quote }}
{{- end }}
{{- end }}
