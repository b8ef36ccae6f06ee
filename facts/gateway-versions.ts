/**
 * Pinned versions for the Gateway API entry point (issue 9): Envoy Gateway and the Gateway API CRDs
 * it needs. Data only, so the calendar (facts/versions.ts), config and the gateway component
 * read the same facts. Checked 2026-12-01.
 *
 * Sources:
 * - envoyproxy/gateway site/content/en/news/releases/matrix.md (compatibility matrix; repository
 *   snapshot 2026-08-21): v1.9 = Envoy Proxy distroless-v1.39.0, Gateway API v1.6.1, Kubernetes
 *   v1.33-v1.36, end of life 2027-02-14. v1.8: Gateway API v1.5.1, Kubernetes 1.32-1.35, EOL 2026-11-08.
 * - envoyproxy/gateway tag v1.9.0 (2026-08-15): go.mod sigs.k8s.io/gateway-api v1.6.1;
 *   charts/gateway-helm depends on subchart `crds` (condition `crds.enabled`, default true) whose
 *   crds/gatewayapi-crds.yaml carries the Gateway API CRDs of the EXPERIMENTAL channel, bundle
 *   v1.6.1 (annotation gateway.networking.k8s.io/channel: experimental); charts/gateway-crds-helm
 *   renders either channel (`crds.gatewayAPI.channel: standard|experimental`) and the Envoy Gateway
 *   CRDs (`crds.envoyGateway.enabled`), and says to install gateway-helm with
 *   `--set crds.enabled=false` when the CRDs are managed separately.
 * - internal/provider/kubernetes/controller.go (v1.9.0): the controller skips the watch of every
 *   route/CRD kind that is not installed (TLSRoute, UDPRoute, TCPRoute, ListenerSet, ...), so the
 *   standard channel alone is enough.
 * - kubernetes-sigs/gateway-api tag v1.6.1 (2026-07-16): config/crd/standard/ (bundle-version v1.6.1,
 *   channel standard), including a ValidatingAdmissionPolicy "safe upgrades"
 *   (gateway.networking.k8s.io_vap_safeupgrades.yaml); release asset standard-install.yaml.
 * - v1.9.2 is the newest patch seen pinned in public repositories (Oct 2026 pins, e.g.
 *   docker.io/envoyproxy/gateway:v1.9.2@sha256:9d67017c442a70e6ae9f1a358e6c80eb653c67c2e40823d9a991e0daf37ba926);
 *   v1.9.1 was released 2026-08-28. No v1.10 was found.
 */

export const ENVOY_GATEWAY = {
    /** Envoy Gateway release; the chart version and the controller image tag are the same string. */
    version: "v1.9.2",
    /** Helm chart, published by the project as an OCI artifact (`helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.9.2`). */
    chart: "oci://docker.io/envoyproxy/gateway-helm",
    chartVersion: "v1.9.2",
    /** Chart that renders the CRDs alone (Gateway API in a chosen channel + Envoy Gateway's own). */
    crdsChart: "oci://docker.io/envoyproxy/gateway-crds-helm",
    controllerImage: "docker.io/envoyproxy/gateway:v1.9.2",
    /** Proxy image the v1.9 line is built and tested with (matrix, bold entry). */
    envoyProxyImage: "docker.io/envoyproxy/envoy:distroless-v1.39.0",
    /** Kubernetes minors the v1.9 line supports (compatibility matrix). */
    kubernetesMinors: { min: 33, max: 36 },
    /** End of life of the v1.9 line (compatibility matrix). */
    endOfLife: "2027-02-14",
    /**
     * The chart installs Gateway API CRDs itself (subchart `crds`, on by default), but the
     * EXPERIMENTAL channel; set `crds.enabled: false` and install the standard channel separately.
     * Helm also never upgrades what it installed from a `crds/` directory.
     */
    chartBundlesGatewayApiCrds: { enabled: true, channel: "experimental", bundleVersion: "v1.6.1", disableWith: "crds.enabled=false" },
} as const;

export const GATEWAY_API = {
    /** The version compiled into Envoy Gateway v1.9 (matrix, go.mod). v1.6.2 exists; stay on the tested one. */
    version: "v1.6.1",
    channel: "standard",
    /** All standard-channel CRDs of the release in one file (a release asset of kubernetes-sigs/gateway-api). */
    standardInstallUrl: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
    /** CRDs of the standard channel in v1.6.1 (config/crd/standard). */
    standardCrds: [
        "backendtlspolicies.gateway.networking.k8s.io",
        "gatewayclasses.gateway.networking.k8s.io",
        "gateways.gateway.networking.k8s.io",
        "grpcroutes.gateway.networking.k8s.io",
        "httproutes.gateway.networking.k8s.io",
        "listenersets.gateway.networking.k8s.io",
        "referencegrants.gateway.networking.k8s.io",
        "tcproutes.gateway.networking.k8s.io",
        "tlsroutes.gateway.networking.k8s.io",
        "udproutes.gateway.networking.k8s.io",
    ],
} as const;

/** The controller name Envoy Gateway's GatewayClass must carry (its documented default). */
export const ENVOY_GATEWAY_CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
