/**
 * The one interface between a cluster (EKS, GKE, AKS or a local one) and everything that runs on it.
 *
 * The cloud-neutral layer (ingress, storage, TLS, workloads) reads only this: it never asks which
 * cloud it is on. Each cloud's facts live beside its cluster component in `components/<cloud>/`.
 * This module imports no cloud SDK, so it is safe to load from any stack.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../config";

/** How the cluster provisions disks for the platform's StorageClasses. */
export interface StorageFacts {
    /** CSI provisioner, e.g. `ebs.csi.aws.com`. */
    provisioner: string;
    /** StorageClass `parameters` for the configured tier (immutable once the class exists). */
    parameters: Record<string, string>;
    /** Classes the cluster ships; the platform's class names must never collide with these. */
    builtInClasses: readonly string[];
    /**
     * The built-in class that is the cluster default on a fresh cluster, which the platform
     * un-defaults in favour of its own; undefined where there is none (EKS >= 1.30).
     */
    builtInDefaultClass?: string;
    /**
     * Whether the platform's general class becomes the cluster default. False on local clusters,
     * which we do not own and whose own default the user relies on.
     */
    makeDefault: boolean;
}

/** How the ingress controller's Service is exposed: the platform's single entry point. */
export interface LoadBalancerFacts {
    /** `LoadBalancer` on clouds; `NodePort` on local clusters that have no cloud LB. */
    serviceType: "LoadBalancer" | "NodePort";
    /** Cloud-specific Service annotations (NLB on AWS, health probe path on Azure, ...). */
    annotations: Record<string, string>;
}

/** A registry login; the password is a secret. */
export interface RegistryLogin {
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
}

/**
 * Where images are pushed, and how a push logs in. `login` looks the push credential up (an ECR
 * token, a Google access token, an ACR token minted from an Entra token): `AppImage` calls it only
 * in a deployment, never in a preview, which neither builds nor pushes (docker.Image's
 * `buildOnPreview` is off) and runs under an identity that has no push rights.
 */
export interface RegistryCredentials {
    server: pulumi.Input<string>;
    login: () => RegistryLogin;
}

/** Where workload images go. */
export interface ImageRegistry {
    /** Repository without tag, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app`. */
    repository: pulumi.Input<string>;
    /** Credentials to push with; undefined means build into the local engine only (no push). */
    credentials?: RegistryCredentials;
    /** Platform to build for (the nodes'); undefined builds for the local engine's own platform. */
    platform?: string;
    /**
     * A kind cluster whose nodes get the image with `kind load docker-image` after the build (kind
     * nodes do not see the local engine's images); undefined where the nodes pull or share the engine.
     */
    kindCluster?: string;
}

/** What every cluster component hands the cloud-neutral layer. */
export interface ClusterTarget {
    cloud: Cloud;
    /** The only provider any Kubernetes resource may use: never the ambient kubeconfig. */
    provider: k8s.Provider;
    /** Admin kubeconfig for the stack output; secret. Undefined for local clusters (the user has it). */
    kubeconfig?: pulumi.Output<string>;
    storage: StorageFacts;
    loadBalancer: LoadBalancerFacts;
    registry: ImageRegistry;
    /**
     * Cloud resources that must exist before workloads are scheduled (node groups, the CSI driver
     * add-on): Kubernetes resources depend on these so a PVC is never created before its driver.
     */
    dependsOn: pulumi.Resource[];
}

/** The outputs every stack exports, whatever the cloud. */
export interface PlatformOutputs {
    cloud: Cloud;
    kubeconfig?: pulumi.Output<string>;
    ingressEndpoint: pulumi.Output<string>;
    appUrl: pulumi.Output<string>;
    /** The visit-counter image reference, tagged by content. */
    appImage: pulumi.Output<string>;
    /** The platform's StorageClass names by role: `general` (Delete) and `retain` (Retain). */
    storageClasses: pulumi.Output<Record<string, string>>;
}
