/**
 * What the cloud-neutral layer needs to know about an existing local cluster (kind, minikube,
 * Docker Desktop): its storage provisioners and how its entry point is reached. Pure data.
 */
import type { LocalSettings } from "../../config";
import { blockStorageClasses, type LoadBalancerFacts, type RbacSubject, type StorageClassFacts, type StorageFacts, type TeamAccess } from "../cluster/contract";

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

/** The kind cluster behind a kubeconfig context (`kind` creates `kind-<cluster>`), if it is one. */
export function kindClusterOf(kubeContext: string): string | undefined {
    const m = /^kind-(.+)$/.exec(kubeContext);
    return m ? m[1] : undefined;
}

/**
 * `user:<name>` -> User, `group:<name>` -> Group: on a cluster the user brings, the names are what
 * its authenticator reports (a client certificate's CN and O, a token file's user and groups, an
 * OIDC claim). Config has validated the format (config/keys.ts, LOCAL_PRINCIPAL).
 */
export function localRbacSubject(principal: string): RbacSubject {
    const m = /^(user|group):(.+)$/.exec(principal);
    if (!m) throw new Error(`"${principal}" is not a Kubernetes user or group; expected user:<name> or group:<name>`);
    return { kind: m[1] === "group" ? "Group" : "User", name: m[2], apiGroup: "rbac.authorization.k8s.io" };
}

export const LOCAL_TEAM_ACCESS: TeamAccess = { subjects: (team) => team.editors.map(localRbacSubject) };
