/**
 * An existing local cluster (kind, minikube, Docker Desktop) as the cloud-neutral layer sees it. No
 * cloud resources: an explicit provider bound to a named context, so a stale current-context never
 * receives the platform, the local engine as the image registry, and the facts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LocalConfig } from "../../config";
import { CLUSTER_AUTOSCALER_NODES, KUBE_DNS, type ClusterTarget } from "../cluster/contract";
import { localLoadBalancer, localStorageFacts } from "./facts";
import { localRegistry } from "./registry";
import { localVersionVerdict, readServerVersion, type ServerVersionReading } from "./server-version";

/**
 * The version check the clouds get from `platform:kubernetesVersion`, on the server the user made:
 * refuses (a RunError: the message alone, no stack trace) when it is outside the ingress
 * controller's range, warns when it cannot be read.
 */
export function checkServerVersion(config: LocalConfig, read: (settings: LocalConfig["local"]) => ServerVersionReading = readServerVersion): void {
    const verdict = localVersionVerdict(read(config.local), config.ingress.controller);
    if (verdict.error !== undefined) throw new pulumi.RunError(verdict.error);
    if (verdict.warning !== undefined) void pulumi.log.warn(verdict.warning);
}

/** Run before anything is registered: asks the running cluster its version (`kubectl version`). */
export async function checks(config: LocalConfig): Promise<void> {
    checkServerVersion(config);
}

export function target(name: string, config: LocalConfig): ClusterTarget {
    const settings = config.local;
    const provider = new k8s.Provider(name, { context: settings.kubeContext, kubeconfig: settings.kubeconfigPath });
    return {
        cloud: "local",
        provider,
        kubeconfig: undefined,
        storage: localStorageFacts(settings),
        loadBalancer: localLoadBalancer(settings.endpoint),
        // No autoscaler runs here; the cluster autoscaler's annotations are inert, and the pods stay
        // the same as on the clouds.
        nodes: CLUSTER_AUTOSCALER_NODES,
        // kind, minikube and Docker Desktop run CoreDNS labelled k8s-app=kube-dns.
        dns: KUBE_DNS,
        registry: localRegistry(name, settings, provider),
        // The user's own cluster: a destroy takes cert-manager's CRDs too (README: what remains).
        keepCrdsOnDestroy: false,
        dependsOn: [],
    };
}
