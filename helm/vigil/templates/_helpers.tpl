{{/* Chart name, cut to the 63 characters Kubernetes allows in names and labels. */}}
{{- define "vigil.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release full name; the FlinkDeployment gets it, and the other objects are named after it. */}}
{{- define "vigil.fullname" -}}
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

{{- define "vigil.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "vigil.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "vigil.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Name of the Secret with the MQTT password: the user's, or the test-only one the chart creates. */}}
{{- define "vigil.mqttSecretName" -}}
{{- if .Values.vigil.mqtt.existingSecret }}
{{- .Values.vigil.mqtt.existingSecret }}
{{- else if .Values.vigil.mqtt.createSecret }}
{{- printf "%s-mqtt" (include "vigil.fullname" .) }}
{{- end }}
{{- end }}

{{- define "vigil.influxdbSecretName" -}}
{{- if .Values.vigil.influxdb.existingSecret }}
{{- .Values.vigil.influxdb.existingSecret }}
{{- else if .Values.vigil.influxdb.createSecret }}
{{- printf "%s-influxdb" (include "vigil.fullname" .) }}
{{- end }}
{{- end }}

{{- define "vigil.mosquittoName" -}}
{{- printf "%s-mosquitto" (include "vigil.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vigil.influxdbName" -}}
{{- printf "%s-influxdb" (include "vigil.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Broker URIs of the job: the values', else the bundled broker's, else a Service named mosquitto. */}}
{{- define "vigil.brokerUris" -}}
{{- if .Values.vigil.mqtt.brokerUris }}
{{- toJson .Values.vigil.mqtt.brokerUris }}
{{- else if .Values.mosquitto.enabled }}
{{- toJson (list (printf "tcp://%s:%v" (include "vigil.mosquittoName" .) .Values.mosquitto.service.port)) }}
{{- else }}
{{- toJson (list "tcp://mosquitto:1883") }}
{{- end }}
{{- end }}

{{- define "vigil.influxdbUrl" -}}
{{- if .Values.vigil.influxdb.url }}
{{- .Values.vigil.influxdb.url }}
{{- else if .Values.influxdb.enabled }}
{{- printf "http://%s:%v" (include "vigil.influxdbName" .) .Values.influxdb.service.port }}
{{- else }}
{{- "http://influxdb:8086" }}
{{- end }}
{{- end }}

{{/* Checks that settings which only work together are given together. */}}
{{- define "vigil.validate" -}}
{{- if and .Values.vigil.mqtt.createSecret (not .Values.vigil.mqtt.password) }}
{{- fail "vigil.mqtt.createSecret needs vigil.mqtt.password (testing only; use vigil.mqtt.existingSecret otherwise)" }}
{{- end }}
{{- if and .Values.vigil.influxdb.createSecret (not .Values.vigil.influxdb.password) }}
{{- fail "vigil.influxdb.createSecret needs vigil.influxdb.password (testing only; use vigil.influxdb.existingSecret otherwise)" }}
{{- end }}
{{- /* The bundled servers always require a login: there is no anonymous or unauthenticated mode. */}}
{{- if and .Values.mosquitto.enabled (or (not .Values.vigil.mqtt.username) (not (include "vigil.mqttSecretName" .))) }}
{{- fail "mosquitto.enabled needs vigil.mqtt.username and vigil.mqtt.existingSecret (the broker refuses anonymous clients)" }}
{{- end }}
{{- if and .Values.influxdb.enabled (or (not .Values.vigil.influxdb.username) (not (include "vigil.influxdbSecretName" .))) }}
{{- fail "influxdb.enabled needs vigil.influxdb.username and vigil.influxdb.existingSecret (the server requires a login)" }}
{{- end }}
{{- if and (gt (int .Values.flink.jobManager.replicas) 1) (not .Values.flink.highAvailability.enabled) }}
{{- fail "flink.jobManager.replicas > 1 needs flink.highAvailability.enabled" }}
{{- end }}
{{- if not (has .Values.vigil.source (list "mqtt" "kafka")) }}
{{- fail (printf "vigil.source must be mqtt or kafka, not %q" .Values.vigil.source) }}
{{- end }}
{{- if eq .Values.vigil.source "kafka" }}
{{- if not .Values.vigil.kafka.bootstrapServers }}
{{- fail "vigil.source kafka needs vigil.kafka.bootstrapServers" }}
{{- end }}
{{- if eq (empty .Values.vigil.kafka.topics) (empty .Values.vigil.kafka.topicPattern) }}
{{- fail "vigil.source kafka needs exactly one of vigil.kafka.topics and vigil.kafka.topicPattern" }}
{{- end }}
{{- if and .Values.vigil.kafka.sasl.mechanism (or (not .Values.vigil.kafka.sasl.username) (not .Values.vigil.kafka.sasl.existingSecret)) }}
{{- fail "vigil.kafka.sasl.mechanism needs vigil.kafka.sasl.username and vigil.kafka.sasl.existingSecret" }}
{{- end }}
{{- end }}
{{- if not (has .Values.job.upgradeMode (list "savepoint" "last-state" "stateless")) }}
{{- fail (printf "job.upgradeMode must be savepoint, last-state or stateless, not %q" .Values.job.upgradeMode) }}
{{- end }}
{{- end }}

{{/* Pod security context of every pod the chart renders: a fixed non-root user (the image's own,
so that files it owns stay readable), and the runtime's default seccomp profile. */}}
{{- define "vigil.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container security context of every container the chart renders: no privilege gain, no
capabilities, and a read-only root; what a process writes goes to a volume. */}}
{{- define "vigil.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}
