#!/usr/bin/env bash
# Builds the pinned control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, etcd), kwok, kustomize and helm into a cache outside the work tree, once per version.
# A second run finds every binary in place and returns in well under a second.
# Prints nothing but the cache's bin directory on stdout; progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${GOVERNOR_CACHE:-$HOME/.cache/governor}
bin="$cache/bin"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export PATH="/usr/local/go/bin:$PATH"

gomod_k8s=$(awk '$1=="k8s.io/kubernetes"{print $2}' "$here/go.mod")
if [ "$gomod_k8s" != "$K8S_VERSION" ]; then
  echo "build.sh: versions.env says $K8S_VERSION but go.mod requires k8s.io/kubernetes $gomod_k8s" >&2
  exit 1
fi
mkdir -p "$bin"
log() { printf 'governor-bins: %s\n' "$*" >&2; }
missing() { for f in "$@"; do [ -x "$bin/$f" ] || return 0; done; return 1; }

k8s_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
if missing "${k8s_bins[@]/%/-$K8S_VERSION}" "etcd-$K8S_VERSION"; then
  start=$(date +%s)
  log "building Kubernetes $K8S_VERSION control plane and etcd (first time only; ~15-25 min on 2 cores)"
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  ld=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  tmp=$(mktemp -d "$bin/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$here" && go build -trimpath -ldflags "-s -w $ld" -o "$tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  for f in "${k8s_bins[@]}" etcd; do mv "$tmp/$f" "$bin/$f-$K8S_VERSION"; done
  log "control plane built in $(( $(date +%s) - start )) s"
fi

# go install of a module at a version, renamed with its version so versions never collide.
install_tool() { # name module@version version [ldflags]
  local name=$1 mod=$2 ver=$3 ld=${4:-}
  [ -x "$bin/$name-$ver" ] && return 0
  local start; start=$(date +%s)
  log "building $name $ver"
  local tmp; tmp=$(mktemp -d "$bin/.build.XXXXXX")
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w $ld" "$mod"
  mv "$tmp/$name" "$bin/$name-$ver"; rm -rf "$tmp"
  log "$name built in $(( $(date +%s) - start )) s"
}
install_tool kwok "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "$KWOK_VERSION"
install_tool kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" "$KUSTOMIZE_VERSION"
install_tool helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "$HELM_VERSION" "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
# kwok ships its node and pod lifecycles ("stages") as kustomize folders in its module.
stages="$bin/kwok-stages-$KWOK_VERSION.yaml"
if [ ! -s "$stages" ]; then
  kwok_dir=$(cd "$here" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | awk -F'"' '/"Dir"/{print $4}')
  "$bin/kustomize-$KUSTOMIZE_VERSION" build "$kwok_dir/kustomize/stage/fast" > "$stages.tmp"
  mv "$stages.tmp" "$stages"
fi
echo "$bin"
