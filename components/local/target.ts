/**
 * An existing local cluster (kind, minikube, Docker Desktop) as the cloud-neutral layer sees it. No
 * cloud resources: an explicit provider bound to a named context, so a stale current-context never
 * receives the platform, the local engine as the image registry, and the facts.
 */
import * as k8s from "@pulumi/kubernetes";
import type { LocalConfig } from "../../config";
import { CLUSTER_AUTOSCALER_NODES, KUBE_DNS, type ClusterTarget } from "../cluster/contract";
import type { PreflightCheck } from "../cluster/preflight";
import { localBackupStore } from "./backup-store";
import { LOCAL_TEAM_ACCESS, localLoadBalancer, localStorageFacts } from "./facts";
import { localRegistry } from "./registry";
import { localPreflight } from "./preflight";

/** Run before anything is registered: the server's Kubernetes version (kubectl; ./preflight.ts). */
export function preflight(config: LocalConfig): PreflightCheck[] {
    return localPreflight(config);
}

export function target(name: string, config: LocalConfig): ClusterTarget {
    const settings = config.local;
    const provider = new k8s.Provider(name, { context: settings.kubeContext, kubeconfig: settings.kubeconfigPath });
    const store = settings.backupStore;
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
        teamAccess: LOCAL_TEAM_ACCESS,
        // The user's own cluster: a destroy takes cert-manager's CRDs too (docs/local.md: what remains).
        keepCrdsOnDestroy: false,
        // Only with platform:postgresBackupS3Endpoint (and its bucket and keys): else the volume only.
        backupStore: store === undefined ? undefined : (request) => localBackupStore(store, request),
        dependsOn: [],
    };
}
