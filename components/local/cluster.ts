/**
 * Facts and provider for an existing local cluster. It creates no cloud resources: only the
 * Kubernetes provider, bound to an explicit context.
 */
import * as k8s from "@pulumi/kubernetes";
import type { LocalSettings } from "../../config";
import type { ClusterTarget, LoadBalancerFacts, StorageFacts } from "../cluster";

/** Built-in classes of kind (`standard`), minikube (`standard`) and Docker Desktop (`hostpath`). */
export const LOCAL_BUILT_IN_CLASSES = ["standard", "hostpath"] as const;

export function localStorageFacts(settings: LocalSettings): StorageFacts {
    return {
        provisioner: settings.storageProvisioner,
        parameters: {},
        builtInClasses: LOCAL_BUILT_IN_CLASSES,
        // The user's own cluster keeps its default class; the platform names its classes explicitly.
        builtInDefaultClass: undefined,
        makeDefault: false,
    };
}

/** kind and minikube have no cloud load balancer: expose the controller on fixed node ports. */
export const LOCAL_LOAD_BALANCER: LoadBalancerFacts = { serviceType: "NodePort", annotations: {} };

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
        // Built into the local engine for its own platform (arm64 on Apple silicon). minikube and
        // Docker Desktop run on that engine; kind nodes get the image loaded into them.
        registry: { repository: "platform/visit-counter", credentials: undefined, kindCluster: kindClusterOf(settings.kubeContext) },
        dependsOn: [],
    };
}
