# The Governor controller image: `governor install` runs it as governor/controller:<package.json version>.
# Build from the repository root:  docker build -t governor/controller:$(node -p 'require("./package.json").version') .
# Keep KUSTOMIZE_VERSION and HELM_VERSION in step with test/cluster/bins/versions.env (what the tests use).

# kustomize and helm, built from their Go modules like the test binaries are.
FROM golang:1.26 AS tools
ARG KUSTOMIZE_VERSION=v5.8.2
ARG HELM_VERSION=v3.22.0
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" \
 && go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"

# TypeScript → dist/ (test/cluster and test/git are compiled too: the demo command imports them),
# and the dashboard's web app → dist/web.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY test/cluster ./test/cluster
COPY test/git ./test/git
COPY web ./web
RUN node_modules/.bin/tsc -p tsconfig.build.json && node_modules/.bin/vite build --config web/vite.config.ts

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=tools /out/kustomize /out/helm /usr/local/bin/
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
ENV NODE_ENV=production HOME=/tmp
# 65532 ("nonroot"): the Deployment also sets runAsNonRoot and a read-only root filesystem.
USER 65532:65532
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["controller"]
