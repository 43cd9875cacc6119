//go:build no_k8s

package gozero

// k8sEnabled follows go-zero's no_k8s build tag: with it go-zero leaves out
// its k8s resolver and the Kubernetes client, so the k8s scheme is refused.
const k8sEnabled = false

// schemes are the go-zero resolver schemes this build registers and dials.
var schemes = []string{EtcdScheme, DiscovScheme, DirectScheme}

// schemeList names the schemes in errors.
const schemeList = "etcd, discov or direct (this build has no k8s: it was built with -tags no_k8s)"
