// Package validate holds the tests that keep deploy/ true: the Kubernetes
// manifests (rendered with kustomize) decode strictly into the Kubernetes API
// types and agree with each other, the container image's build produces a
// static binary whose commands, flags, ports and probe paths are those the
// Deployment uses, the configuration files in the ConfigMaps load in the
// daemon's own strict loader, every PromQL expression in the alerts and the
// dashboard parses and names only metrics that a running daemon exposes, and
// the NATS chart values match what the prod overlay expects.
//
// It is a separate module so that the daemon's go.mod stays lean:
//
//	cd deploy/validate && go test ./...
package validate
