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
{{- $repo := include "go-service.mirror" (dict "ctx" $ "image" (required "image.repository is required" .Values.image.repository)) }}
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
{{- with int $p.initialDelaySeconds }}{{/* 0, the default, is not stored: see minReadySeconds */}}
initialDelaySeconds: {{ . }}
{{- end }}
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
Extra containers (init or sidecar) from a map keyed by name, sorted by name. A container
without a securityContext gets the main container's, so Pod Security "restricted" still
holds; images go through the registry mirror; sidecars get restartPolicy Always (native
sidecars: started before the service, stopped after it, and they never keep a Job running).
Call with (dict "ctx" $ "containers" MAP "restartPolicy" "Always"|"").
*/}}
{{- define "go-service.extraContainers" -}}
{{- $ctx := .ctx }}
{{- $restart := .restartPolicy }}
{{- $list := list }}
{{- range $name, $c := .containers }}
{{- if not (kindIs "invalid" $c) }}
{{- $spec := merge (dict "name" $name) (deepCopy $c) }}
{{- if not (hasKey $c "securityContext") }}
{{- $_ := set $spec "securityContext" $ctx.Values.securityContext }}
{{- end }}
{{- with $c.image }}
{{- $_ := set $spec "image" (include "go-service.mirror" (dict "ctx" $ctx "image" .)) }}
{{- end }}
{{- if $restart }}
{{- $_ := set $spec "restartPolicy" $restart }}
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

{{/*
An image in the registry mirror (global.imageRegistry, else image.registry), else unchanged:
the image's own registry (docker.io when it names none) is replaced and its path kept, so
golang:1.26 becomes MIRROR/library/golang:1.26. berth's Dockerfile does the same.
Call with (dict "ctx" $ "image" REF).
*/}}
{{- define "go-service.mirror" -}}
{{- $registry := (dig "imageRegistry" "" (.ctx.Values.global | default dict)) | default .ctx.Values.image.registry }}
{{- if or (not $registry) (hasPrefix (printf "%s/" $registry) .image) }}
{{- .image }}
{{- else }}
{{- $parts := splitList "/" .image }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}
{{- $parts = rest $parts }}
{{- else if eq (len $parts) 1 }}
{{- $parts = prepend $parts "library" }}
{{- end }}
{{- printf "%s/%s" $registry (join "/" $parts) }}
{{- end }}
{{- end }}

{{/*
Labels of a batch pod (a Job's or CronJob's): its own name label, so neither the Service
nor the Deployment's selector ever matches it. Call with (dict "ctx" $ "name" JOB "component" KIND).
*/}}
{{- define "go-service.batchPodLabels" -}}
{{- $ctx := .ctx }}
{{- range $k, $v := merge (dict) ($ctx.Values.podLabels | default dict) ($ctx.Values.commonLabels | default dict) }}
{{- if not (kindIs "invalid" $v) }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end }}
app.kubernetes.io/name: {{ printf "%s-%s" (include "go-service.name" $ctx) .name | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/instance: {{ $ctx.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
app.kubernetes.io/part-of: {{ include "go-service.name" $ctx | quote }}
app.kubernetes.io/version: {{ include "go-service.version" $ctx | quote }}
{{- end }}

{{/*
Volumes and mounts of the main container as YAML {volumes: [...], mounts: [...]}.
A batch pod (batch true) leaves out the claims the chart creates: a pre-install hook runs
before they exist, and a ReadWriteOnce claim is held by the service's node.
Call with (dict "ctx" $ "batch" BOOL "configMap" NAME).
*/}}
{{- define "go-service.volumes" -}}
{{- $ctx := .ctx }}
{{- $volumes := list }}
{{- $mounts := list }}
{{- if $ctx.Values.tmp.enabled }}
{{- $emptyDir := dict }}
{{- with $ctx.Values.tmp.sizeLimit }}{{ $_ := set $emptyDir "sizeLimit" . }}{{ end }}
{{- with $ctx.Values.tmp.medium }}{{ $_ := set $emptyDir "medium" . }}{{ end }}
{{- $volumes = append $volumes (dict "name" "tmp" "emptyDir" $emptyDir) }}
{{- $mounts = append $mounts (dict "name" "tmp" "mountPath" "/tmp") }}
{{- end }}
{{- if include "go-service.configData" $ctx }}
{{- $volumes = append $volumes (dict "name" "config" "configMap" (dict "name" .configMap)) }}
{{- $mounts = append $mounts (dict "name" "config" "mountPath" $ctx.Values.config.mountPath "readOnly" true) }}
{{- end }}
{{- range $name, $v := $ctx.Values.volumes }}
{{- if and (not (kindIs "invalid" $v)) (not (and $.batch $v.persistence)) }}
{{- $m := dict "name" $name "mountPath" (required (printf "volumes.%s.mountPath is required" $name) $v.mountPath) }}
{{- with $v.readOnly }}{{ $_ := set $m "readOnly" . }}{{ end }}
{{- with $v.subPath }}{{ $_ := set $m "subPath" . }}{{ end }}
{{- $mounts = append $mounts $m }}
{{- if $v.persistence }}
{{- $volumes = append $volumes (dict "name" $name "persistentVolumeClaim" (dict "claimName" (printf "%s-%s" (include "go-service.fullname" $ctx) $name))) }}
{{- else }}
{{- $source := dict "name" $name }}
{{- range $k, $s := omit $v "mountPath" "readOnly" "subPath" "persistence" }}
{{- if not (kindIs "invalid" $s) }}{{ $_ := set $source $k $s }}{{ end }}
{{- end }}
{{- $volumes = append $volumes $source }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml (dict "volumes" $volumes "mounts" $mounts) }}
{{- end }}

{{/*
The pod spec shared by the Deployment, the Jobs and the CronJobs: service account, security
context, scheduling, init containers and sidecars, the main container with env, envFrom,
resources and volumes. Only the service's pods get ports, probes, the preStop pause,
anti-affinity and topology spread; batch pods get restartPolicy Never.
Call with (dict "ctx" $ "batch" BOOL "serviceAccount" NAME "configMap" NAME "command" LIST "args" LIST).
*/}}
{{- define "go-service.podSpec" -}}
{{- $ctx := .ctx }}
{{- $batch := .batch }}
{{- $ports := include "go-service.ports" $ctx | fromYaml }}
{{- $vols := include "go-service.volumes" (dict "ctx" $ctx "batch" $batch "configMap" .configMap) | fromYaml }}
serviceAccountName: {{ .serviceAccount | quote }}
automountServiceAccountToken: {{ $ctx.Values.automountServiceAccountToken }}
enableServiceLinks: {{ $ctx.Values.enableServiceLinks }}
{{- if $batch }}
restartPolicy: Never
{{- else }}
terminationGracePeriodSeconds: {{ int $ctx.Values.terminationGracePeriodSeconds }}
{{- end }}
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
{{- end }}
{{- with $ctx.Values.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with $ctx.Values.runtimeClassName }}
runtimeClassName: {{ . | quote }}
{{- end }}
securityContext:
  {{- toYaml $ctx.Values.podSecurityContext | nindent 2 }}
{{- with $ctx.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $ctx.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $affinity := deepCopy ($ctx.Values.affinity | default dict) }}
{{- if and (not $batch) (not $affinity.podAntiAffinity) (ne $ctx.Values.podAntiAffinity "none") }}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "go-service.selectorLabels" $ctx | fromYaml)) }}
{{- if eq $ctx.Values.podAntiAffinity "hard" }}
{{- $_ := set $affinity "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list $term)) }}
{{- else }}
{{- $_ := set $affinity "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "podAffinityTerm" $term))) }}
{{- end }}
{{- end }}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if not $batch }}
{{- if $ctx.Values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml $ctx.Values.topologySpreadConstraints | nindent 2 }}
{{- else if $ctx.Values.topologySpread.enabled }}
topologySpreadConstraints:
  {{- range $ctx.Values.topologySpread.topologyKeys }}
  - topologyKey: {{ . | quote }}
    maxSkew: {{ int $ctx.Values.topologySpread.maxSkew }}
    whenUnsatisfiable: {{ $ctx.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "go-service.selectorLabels" $ctx | trim | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
  {{- end }}
{{- end }}
{{- end }}
{{- $init := include "go-service.extraContainers" (dict "ctx" $ctx "containers" $ctx.Values.sidecars "restartPolicy" "Always") }}
{{- $init = printf "%s\n%s" $init (include "go-service.extraContainers" (dict "ctx" $ctx "containers" $ctx.Values.initContainers)) | trim }}
{{- with $init }}
initContainers:
  {{- . | nindent 2 }}
{{- end }}
containers:
  - name: {{ include "go-service.name" $ctx | quote }}
    image: {{ include "go-service.image" $ctx | quote }}
    imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
    {{- with .command }}
    command:
      {{- range . }}
      - {{ . | toString | quote }}
      {{- end }}
    {{- end }}
    {{- with .args }}
    args:
      {{- range . }}
      - {{ . | toString | quote }}
      {{- end }}
    {{- end }}
    {{- if and (not $batch) $ports }}
    ports:
      {{- range $name, $p := $ports }}
      - name: {{ $name | quote }}
        containerPort: {{ $p.port }}
        protocol: {{ $p.protocol }}
      {{- end }}
    {{- end }}
    {{- with (include "go-service.env" $ctx) }}
    env:
      {{- . | trim | nindent 6 }}
    {{- end }}
    {{- with (include "go-service.envFrom" $ctx) }}
    envFrom:
      {{- . | trim | nindent 6 }}
    {{- end }}
    {{- if not $batch }}
    {{- range $name := list "startup" "liveness" "readiness" }}
    {{- $probe := get $ctx.Values.probes $name }}
    {{- if and $probe $probe.enabled }}
    {{ $name }}Probe:
      {{- include "go-service.probe" (dict "ctx" $ctx "name" $name "probe" $probe "ports" $ports) | trim | nindent 6 }}
    {{- end }}
    {{- end }}
    {{- end }}
    {{- $resources := "" }}
    {{- range $kind := list "requests" "limits" }}
    {{- with (include "go-service.stringMap" (get ($ctx.Values.resources | default dict) $kind)) }}
    {{- $resources = printf "%s%s:%s\n" $resources $kind (. | trim | nindent 2) }}
    {{- end }}
    {{- end }}
    {{- with $resources }}
    resources:
      {{- . | trim | nindent 6 }}
    {{- end }}
    securityContext:
      {{- toYaml $ctx.Values.securityContext | nindent 6 }}
    {{- if and (not $batch) (gt (int $ctx.Values.preStopSleepSeconds) 0) }}
    lifecycle:
      preStop:
        sleep:
          seconds: {{ int $ctx.Values.preStopSleepSeconds }}
    {{- end }}
    {{- with $vols.mounts }}
    volumeMounts:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- with $vols.volumes }}
volumes:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Hook annotations for Helm (pre-install,pre-upgrade) and Argo CD (PreSync), as YAML: the
previous run's objects are deleted before a new one, and these when the hooks succeed (a
failed Job stays for kubectl logs). Call with (dict "weight" N).
*/}}
{{- define "go-service.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded
argocd.argoproj.io/sync-wave: {{ .weight | quote }}
{{- end }}

{{/*
The ServiceAccount of the hook Jobs: a hook copy of the chart's account when it creates
one, else the existing account.
*/}}
{{- define "go-service.hookServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- printf "%s-hook" (include "go-service.serviceAccountName" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- include "go-service.serviceAccountName" . }}
{{- end }}
{{- end }}
