/**
 * Facts and provider for an existing local cluster. It creates no cloud resources: only the
 * Kubernetes provider, bound to an explicit context.
 */
import * as k8s from "@pulumi/kubernetes";
import type { LocalSettings } from "../../config";
import { blockStorageClasses, MANAGED_NODES, type ClusterTarget, type LoadBalancerFacts, type StorageFacts } from "../cluster";

/** Built-in classes of kind (`standard`), minikube (`standard`) and Docker Desktop (`hostpath`). */
export const LOCAL_BUILT_IN_CLASSES = ["standard", "hostpath"] as const;

/**
 * Whether a local provisioner can grow a volume. kind's local-path (rancher/local-path-provisioner),
 * minikube's hostpath and Docker Desktop's hostpath make host directories and implement no resize,
 * so a class promising expansion would leave an edited PVC waiting forever. A provisioner not in
 * this table is taken as unable to expand: the class then refuses a resize up front instead.
 */
export const LOCAL_PROVISIONER_EXPANSION: Readonly<Record<string, boolean>> = {
    "rancher.io/local-path": false,
    "k8s.io/minikube-hostpath": false,
    "docker.io/hostpath": false,
};

export function localProvisionerCanExpand(provisioner: string): boolean {
    return LOCAL_PROVISIONER_EXPANSION[provisioner] ?? false;
}

export function localStorageFacts(settings: LocalSettings): StorageFacts {
    return {
        classes: blockStorageClasses({
            provisioner: settings.storageProvisioner,
            parameters: {},
            allowVolumeExpansion: localProvisionerCanExpand(settings.storageProvisioner),
        }),
        builtInClasses: LOCAL_BUILT_IN_CLASSES,
        // The user's own cluster keeps its default class; the platform names its classes explicitly.
        builtInDefaultClass: undefined,
        makeDefault: false,
    };
}

/** The address the local entry point is reached on: the host's loopback, where kind maps the node ports. */
export const LOCAL_INGRESS_ADDRESS = "127.0.0.1";

/** kind and minikube have no cloud load balancer: expose the controller on fixed node ports. */
export const LOCAL_LOAD_BALANCER: LoadBalancerFacts = {
    serviceType: "NodePort",
    annotations: {},
    address: { addresses: [LOCAL_INGRESS_ADDRESS] },
};

/** The kind cluster behind a kubeconfig context (`kind` creates `kind-<cluster>`), if it is one. */
export function kindClusterOf(kubeContext: string): string | undefined {
    const m = /^kind-(.+)$/.exec(kubeContext);
    return m ? m[1] : undefined;
}

export function localTarget(name: string, settings: LocalSettings): ClusterTarget {
    const provider = new k8s.Provider(name, {
        context: settings.kubeContext,
        kubeconfig: settings.kubeconfigPath,
    });
    return {
        cloud: "local",
        provider,
        kubeconfig: undefined,
        storage: localStorageFacts(settings),
        loadBalancer: LOCAL_LOAD_BALANCER,
        // No autoscaler runs here; the managed (cluster-autoscaler) annotations are inert, and the
        // pods stay the same as on the clouds.
        nodes: MANAGED_NODES,
        // Built into the local engine for its own platform (arm64 on Apple silicon). minikube and
        // Docker Desktop run on that engine; kind nodes get the image loaded into them.
        registry: { repository: "platform/visit-counter", credentials: undefined, kindCluster: kindClusterOf(settings.kubeContext) },
        dependsOn: [],
    };
}
