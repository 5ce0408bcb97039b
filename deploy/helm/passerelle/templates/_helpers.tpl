{{/*
Names and labels shared by the templates. Only a few sprig functions are
used (include, default, trunc, trimSuffix, replace, contains, quote, toYaml,
indent, nindent, int, fail): deploy/src/funcs.rs implements the same subset so the
chart is rendered in the tests.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "passerelle.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* `<release>-<chart>`, or the release name alone when it holds the chart name. */}}
{{- define "passerelle.fullname" -}}
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

{{- define "passerelle.operator.fullname" -}}
{{- printf "%s-operator" (include "passerelle.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "passerelle.proxy.fullname" -}}
{{- printf "%s-proxy" (include "passerelle.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "passerelle.operator.serviceAccountName" -}}
{{- default (include "passerelle.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "passerelle.proxy.serviceAccountName" -}}
{{- default (include "passerelle.proxy.fullname" .) .Values.proxy.serviceAccount.name }}
{{- end }}

{{/* The namespace of the operator's leader election Lease. */}}
{{- define "passerelle.operator.leaseNamespace" -}}
{{- default .Release.Namespace .Values.operator.leaderElection.namespace }}
{{- end }}

{{- define "passerelle.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "passerelle.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels never change between versions: the operator lists the pods
carrying its own pod's labels to find its replicas.
*/}}
{{- define "passerelle.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "passerelle.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "passerelle.operator.labels" -}}
{{ include "passerelle.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "passerelle.proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "passerelle.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: proxy
{{- end }}

{{- define "passerelle.proxy.labels" -}}
{{ include "passerelle.labels" . }}
app.kubernetes.io/component: proxy
{{- end }}

{{/* Whether the proxy gets a Service: always for a Deployment. */}}
{{- define "passerelle.proxy.service" -}}
{{- if and .Values.proxy.enabled (or (eq .Values.proxy.kind "Deployment") .Values.proxy.service.enabled) }}true{{ end }}
{{- end }}

{{/* The port the HTTP entry point binds: the node's with hostNetwork. */}}
{{- define "passerelle.proxy.httpPort" -}}
{{- if .Values.proxy.hostNetwork }}{{ .Values.proxy.hostPorts.http }}{{ else }}{{ .Values.proxy.ports.http }}{{ end }}
{{- end }}

{{- define "passerelle.proxy.httpsPort" -}}
{{- if .Values.proxy.hostNetwork }}{{ .Values.proxy.hostPorts.https }}{{ else }}{{ .Values.proxy.ports.https }}{{ end }}
{{- end }}

{{/*
The ports clients use (the node's hostPorts for a DaemonSet, the Service's
for a Deployment): written as the entry points' addresses in traefik.toml,
they are what redirects name; --entrypoint-address only moves the listener.
*/}}
{{- define "passerelle.proxy.publicHttpPort" -}}
{{- if eq .Values.proxy.kind "Deployment" }}{{ .Values.proxy.service.ports.http }}{{ else }}{{ .Values.proxy.hostPorts.http }}{{ end }}
{{- end }}

{{- define "passerelle.proxy.publicHttpsPort" -}}
{{- if eq .Values.proxy.kind "Deployment" }}{{ .Values.proxy.service.ports.https }}{{ else }}{{ .Values.proxy.hostPorts.https }}{{ end }}
{{- end }}

{{/*
The proxy's traefik.toml when values do not give one: the walkthrough's
(HTTP redirected to HTTPS, TLS on the other entry point), certificates coming
from the Ingresses' spec.tls Secrets.
*/}}
{{- define "passerelle.proxy.defaultConfig" -}}
# Passerelle proxy configuration, in Traefik 1.x's format. The addresses
# are the ports clients use, which redirects name; the chart binds the
# listeners with --entrypoint-address. Certificates come from the
# Ingresses' TLS Secrets.
defaultEntryPoints = ["http", "https"]

[entryPoints]
  [entryPoints.http]
  address = ":{{ include "passerelle.proxy.publicHttpPort" . }}"
{{- if .Values.proxy.redirectToHttps }}
    [entryPoints.http.redirect]
    entryPoint = "https"
{{- end }}
  [entryPoints.https]
  address = ":{{ include "passerelle.proxy.publicHttpsPort" . }}"
    [entryPoints.https.tls]
{{- end }}
