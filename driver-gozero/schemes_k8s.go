//go:build !no_k8s

package gozero

// k8sEnabled follows go-zero's no_k8s build tag: without it go-zero registers
// its k8s resolver, and branch URLs may use the k8s scheme.
const k8sEnabled = true

// schemes are the go-zero resolver schemes this build registers and dials.
var schemes = []string{EtcdScheme, DiscovScheme, DirectScheme, K8sScheme}

// schemeList names the schemes in errors.
const schemeList = "etcd, discov, direct or k8s"
