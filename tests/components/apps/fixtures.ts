/**
 * The platform contract as an app stack reads it (plain data, built from the real fact functions
 * and entry-point constants), and a minimal valid `App`, for the App tests and the policy checks.
 */
import * as k8s from "@pulumi/kubernetes";
import { App } from "../../../components/apps/app";
import type { AppArgs } from "../../../components/apps/app-args";
import { disruptionData, dnsData, type GatewayEntryPointFacts, type IngressEntryPointFacts, type PlatformContract } from "../../../components/apps/contract";
import { CLUSTER_AUTOSCALER_DISRUPTION, KUBE_DNS } from "../../../components/cluster/contract";
import { dataPlanePodLabels, GATEWAY_NAME, gatewayListenerNames } from "../../../components/entry-points/envoy-gateway";
import { CONTROLLER_POD_LABELS, INGRESS_CLASS_NAME, INGRESS_NGINX_NAMESPACE, nginxControllerPeer } from "../../../components/entry-points/ingress-nginx";
import { ENVOY_GATEWAY_NAMESPACE } from "../../../components/entry-points/envoy-gateway";
import { runProgram } from "../../harness/mocks";

export const DIGEST = `sha256:${"a".repeat(64)}`;
export const IMAGE = `registry.example.com/team/orders@${DIGEST}`;

export const NGINX: IngressEntryPointFacts = {
    kind: "ingress",
    ingressClassName: INGRESS_CLASS_NAME,
    dataPlanePeer: nginxControllerPeer(INGRESS_NGINX_NAMESPACE, CONTROLLER_POD_LABELS),
    endpoint: "203.0.113.10",
};

export const GATEWAY: GatewayEntryPointFacts = {
    kind: "gateway",
    gatewayName: GATEWAY_NAME,
    gatewayNamespace: ENVOY_GATEWAY_NAMESPACE,
    listeners: gatewayListenerNames(true),
    dataPlanePeer: {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ENVOY_GATEWAY_NAMESPACE } },
        podSelector: { matchLabels: dataPlanePodLabels({ name: GATEWAY_NAME, namespace: ENVOY_GATEWAY_NAMESPACE }) },
    },
    endpoint: "198.51.100.7",
};

/** The whole contract, as the StackReference hands it over: `App` takes it as is. */
export function contract(overrides: Partial<PlatformContract> = {}): PlatformContract {
    return {
        version: 1,
        kubeconfig: "none",
        entryPoints: [NGINX],
        tls: { clusterIssuer: "letsencrypt", enabled: true, acmeHttp01: true, domain: "shop.example.com" },
        storageClasses: { general: "platform-standard", retain: "platform-retain", shared: "platform-shared" },
        registry: "registry.example.com/team",
        nodes: { disruption: disruptionData(CLUSTER_AUTOSCALER_DISRUPTION) },
        dns: dnsData(KUBE_DNS),
        teams: [],
        ...overrides,
    };
}

/** The least an app must say. */
export function minimalArgs(overrides: Partial<AppArgs> = {}): AppArgs {
    return { namespace: "shop", platform: contract(), image: IMAGE, port: 8080, resources: { requests: { cpu: "50m", memory: "64Mi" } }, ...overrides };
}

/** Renders an App named `orders` under the mocks, with a provider of our own. */
export function renderApp(args: AppArgs, name = "orders") {
    return runProgram(() => new App(name, args, { provider: new k8s.Provider("k8s", { context: "kind-kind" }) }));
}
