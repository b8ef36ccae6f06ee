/**
 * The contract between the platform's entry point (ingress-nginx, or a Gateway API implementation)
 * and the workloads behind it. Workloads ask an `EntryPoint` how they are reached and who may
 * reach them; they never ask which implementation runs. The choice is made once, in
 * stacks/platform.ts, from `platform:ingressController`.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { EntryPointFacts } from "../apps/contract";

/** Labels cert-manager puts on its HTTP-01 solver pods, and the port they answer on. */
export const ACME_HTTP01_SOLVER = { podLabels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;

/** What a workload hands its entry point to be routed: one Service, under a path prefix, optionally under a host. */
export interface AppRoute {
    /** Base name of the routing objects (the workload's own name, kept stable across releases). */
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    serviceName: pulumi.Input<string>;
    servicePort: number;
    /** Public host name. Unset: path routing on the entry point's address only. */
    host?: string;
    /** Path prefix routed to the Service. Default `/`. */
    path?: string;
    /** Serve https with a cert-manager certificate and redirect http; only takes effect with a `host`. */
    tls: boolean;
    /** cert-manager ClusterIssuer of the certificate when `tls`. */
    clusterIssuer: pulumi.Input<string>;
    /** Certificates come from ACME HTTP-01 (the solver must be reachable through this entry point). */
    acmeHttp01: boolean;
}

/** Options of the routing objects: their parent (the workload), what they wait for, their aliases. */
export interface RouteOptions {
    parent: pulumi.Resource;
    dependsOn?: readonly pulumi.Resource[];
    aliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
}

/** The routing options as a resource's options: what every entry point's routing objects are created with. */
export function resourceOptions(opts: RouteOptions): pulumi.CustomResourceOptions {
    return { parent: opts.parent, ...(opts.dependsOn && opts.dependsOn.length > 0 ? { dependsOn: [...opts.dependsOn] } : {}), ...(opts.aliases ? { aliases: opts.aliases } : {}) };
}

/** What cert-manager needs to issue certificates for the routes of an entry point. */
export interface CertManagerNeeds {
    /** The ACME HTTP-01 solver that answers challenges through this entry point. */
    readonly acmeHttp01Solver: Record<string, unknown>;
    /** cert-manager watches Gateway API objects: gateway-shim (listener certificates) and the HTTPRoute solver. */
    readonly gatewayApi: boolean;
    /**
     * What cert-manager's release starts after: it watches Gateways only if their CRDs exist when
     * it starts (cert-manager.io/docs/usage/gateway, checked 2026-12-01).
     */
    readonly startAfter: readonly pulumi.Resource[];
}

export interface EntryPoint {
    /** LB hostname or IP; `<platform:localEndpoint>:<http node port>` on NodePort clusters (default `localhost`). */
    readonly endpoint: pulumi.Output<string>;
    /** The entry point's IP addresses (static where the target owns them, else from the LB status). */
    readonly address: pulumi.Output<string[]>;
    /** NetworkPolicy peer matching the pods that forward client traffic (the data plane) and nothing else. */
    readonly dataPlanePeer: k8s.types.input.networking.v1.NetworkPolicyPeer;
    /** What cert-manager needs for this entry point (stacks/platform.ts hands it over as is). */
    readonly certManager: CertManagerNeeds;
    /**
     * The entry point as data (the platform contract's form): what routes an app from an app stack
     * as from this program, with the same objects.
     */
    readonly facts: EntryPointFacts<pulumi.Output<string>>;
    /** What routing objects must wait for (the Gateway API CRDs and the Gateway); none for nginx. */
    readonly routeDependsOn: readonly pulumi.Resource[];
    /**
     * Creates the objects that route `route` through this entry point (an Ingress, or HTTPRoutes),
     * children of `parent` so their names stay the workload's; returns them for dependencies.
     */
    routeApp(route: AppRoute, parent: pulumi.Resource): pulumi.Resource[];
}
