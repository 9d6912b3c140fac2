{{/* Chart name, truncated to what a DNS label allows. */}}
{{- define "meedoen.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release's resource prefix. */}}
{{- define "meedoen.fullname" -}}
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

{{/* Name of one component's resources: (dict "root" $ "component" "surveys"). */}}
{{- define "meedoen.componentName" -}}
{{- printf "%s-%s" (include "meedoen.fullname" .root | trunc 50 | trimSuffix "-") .component }}
{{- end }}

{{/* Labels every resource carries. */}}
{{- define "meedoen.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "meedoen.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meedoen
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of the whole release. */}}
{{- define "meedoen.releaseSelector" -}}
app.kubernetes.io/name: {{ include "meedoen.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "surveys"). */}}
{{- define "meedoen.selector" -}}
{{ include "meedoen.releaseSelector" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's resources. */}}
{{- define "meedoen.componentLabels" -}}
{{ include "meedoen.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The components, gateway last. */}}
{{- define "meedoen.components" -}}
councils focusgroups surveys results gateway
{{- end }}

{{/* The image reference. */}}
{{- define "meedoen.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the nats subchart's resources, as that chart computes it. */}}
{{- define "meedoen.natsFullname" -}}
{{- $nats := .Values.nats | default dict }}
{{- if $nats.fullnameOverride }}
{{- $nats.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default "nats" $nats.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Whether the nats subchart is installed. */}}
{{- define "meedoen.natsEnabled" -}}
{{- if and .Values.nats .Values.nats.enabled }}true{{ end }}
{{- end }}

{{/* NATS URL: the subchart's Service, else externalNats.url. */}}
{{- define "meedoen.natsURL" -}}
{{- if include "meedoen.natsEnabled" . }}
{{- printf "nats://%s:%d" (include "meedoen.natsFullname" .) (int (dig "config" "nats" "port" 4222 .Values.nats)) }}
{{- else }}
{{- required "nats.enabled is false: set externalNats.url to your NATS cluster" .Values.externalNats.url }}
{{- end }}
{{- end }}

{{/* -stream-replicas: explicit, else the subchart's cluster size, else 1. */}}
{{- define "meedoen.streamReplicas" -}}
{{- if not (kindIs "invalid" .Values.streamReplicas) }}
{{- .Values.streamReplicas }}
{{- else if and (include "meedoen.natsEnabled" .) (dig "config" "cluster" "enabled" false .Values.nats) }}
{{- dig "config" "cluster" "replicas" 3 .Values.nats }}
{{- else }}
{{- 1 }}
{{- end }}
{{- end }}

{{/* An env entry from a Secret reference: (dict "root" $ "env" "DATABASE_URL" "ref" .Values.secrets.databaseURL). */}}
{{- define "meedoen.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ default .root.Values.secrets.existingSecret .ref.name | required (printf "secrets: no Secret named for %s" .env) | quote }}
      key: {{ .ref.key | quote }}
      optional: {{ .ref.optional | default false }}
{{- end }}

{{/* The ServiceAccount's name. */}}
{{- define "meedoen.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "meedoen.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
