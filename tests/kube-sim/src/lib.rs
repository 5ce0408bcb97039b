//! kube-sim: a Kubernetes-compatible API server held in memory, for the tests
//! and the local demo. Its implementation arrives with the kube-sim issue.
