/**
 * Facts and provider for an existing local cluster. It creates no cloud resources: only the
 * Kubernetes provider, bound to an explicit context.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { LocalSettings } from "../../config";
import { blockStorageClasses, KUBE_DNS, MANAGED_NODES, type ClusterTarget, type LoadBalancerFacts, type StorageClassFacts, type StorageFacts } from "../cluster/contract";

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

/**
 * The `platform-shared` class on the user's ReadWriteMany provisioner (`platform:localSharedProvisioner`,
 * e.g. csi-driver-nfs), or undefined: no local cluster ships one. Reclaim Delete like the general
 * class; `Immediate` binding, since a network share is reachable from every node.
 */
export function localSharedClass(provisioner: string | undefined): StorageClassFacts | undefined {
    if (provisioner === undefined) return undefined;
    return {
        provisioner,
        parameters: {},
        reclaimPolicy: "Delete",
        allowVolumeExpansion: localProvisionerCanExpand(provisioner),
        volumeBindingMode: "Immediate",
        accessModes: ["ReadWriteMany"],
    };
}

export function localStorageFacts(settings: LocalSettings): StorageFacts {
    const block = blockStorageClasses({
        provisioner: settings.storageProvisioner,
        parameters: {},
        allowVolumeExpansion: localProvisionerCanExpand(settings.storageProvisioner),
    });
    return {
        classes: { ...block, shared: localSharedClass(settings.sharedProvisioner) },
        builtInClasses: LOCAL_BUILT_IN_CLASSES,
        // The user's own cluster keeps its default class; the platform names its classes explicitly.
        builtInDefaultClass: undefined,
        makeDefault: false,
    };
}

/** The address behind `localhost`: the host's loopback, where kind and Docker Desktop map the node ports. */
export const LOCAL_INGRESS_ADDRESS = "127.0.0.1";

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/**
 * `ingressAddress` for `platform:localEndpoint`: the endpoint itself when it is an IPv4 address
 * (`minikube ip`), 127.0.0.1 for `localhost`, and none for another host name, whose address the
 * program cannot know without a lookup that may differ between runs.
 */
export function localIngressAddresses(endpoint: string): string[] {
    if (endpoint === "localhost") return [LOCAL_INGRESS_ADDRESS];
    return IPV4.test(endpoint) ? [endpoint] : [];
}

/**
 * kind, minikube and Docker Desktop have no cloud load balancer: the controller is exposed on fixed
 * node ports, reached on `platform:localEndpoint`.
 */
export function localLoadBalancer(endpoint: string): LoadBalancerFacts {
    return {
        serviceType: "NodePort",
        annotations: {},
        address: { addresses: localIngressAddresses(endpoint) },
        nodePortHost: endpoint,
    };
}

/** The default endpoint's load balancer facts (`localhost`). */
export const LOCAL_LOAD_BALANCER: LoadBalancerFacts = localLoadBalancer("localhost");

/**
 * The cluster's identity: the kube-system namespace's UID, new on every `kind create cluster`. Read
 * (never managed) through the stack's provider, in previews too, so the kind load runs again for a
 * recreated cluster even though the image name is unchanged.
 */
export function clusterIdentity(name: string, provider: k8s.Provider): pulumi.Output<string> {
    const ns = k8s.core.v1.Namespace.get(`${name}-kube-system`, "kube-system", { provider });
    return ns.metadata.apply((m) => m?.uid ?? "");
}

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
    const kindCluster = kindClusterOf(settings.kubeContext);
    return {
        cloud: "local",
        provider,
        kubeconfig: undefined,
        storage: localStorageFacts(settings),
        loadBalancer: localLoadBalancer(settings.endpoint),
        // No autoscaler runs here; the managed (cluster-autoscaler) annotations are inert, and the
        // pods stay the same as on the clouds.
        nodes: MANAGED_NODES,
        // kind, minikube and Docker Desktop run CoreDNS labelled k8s-app=kube-dns.
        dns: KUBE_DNS,
        // Built into the local engine for its own platform (arm64 on Apple silicon). minikube and
        // Docker Desktop run on that engine; kind nodes get the image loaded into them.
        registry: {
            repository: "platform/visit-counter",
            credentials: undefined,
            kindCluster,
            clusterIdentity: kindCluster === undefined ? undefined : clusterIdentity(name, provider),
        },
        // The user's own cluster: a destroy takes cert-manager's CRDs too (README: what remains).
        keepCrdsOnDestroy: false,
        dependsOn: [],
    };
}
