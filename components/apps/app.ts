/**
 * `App`: a service of an application team on the platform, from typed arguments and the platform
 * contract's data (`AppPlatform`). The same component runs in the platform stack (the visit
 * counter, with data built from the live components) and in an app stack (data read from the
 * platform stack's `platformContract` output).
 *
 * What every app gets without asking: the restricted security context (non-root, read-only root,
 * no capabilities), a disruption budget when it can run more than one replica, topology spread over
 * zones and nodes, the node autoscaler's annotations for its scratch volumes, and NetworkPolicies:
 * only the entry points' data planes reach it, and it reaches only what it declares (DNS is the
 * namespace's own rule). Every decision is a plain exported function, which tests call: the
 * arguments, defaults and validation in `app-args.ts`, the pod and Deployment in `app-pod.ts`, the
 * NetworkPolicy rules in `app-network.ts`.
 *
 * The workload is always a Deployment: per-replica disks (a StatefulSet) are what a database needs,
 * and the platform's databases are Redis and Postgres, which an app `uses`. A volume on a
 * ReadWriteOnce class can be attached to one node at a time, so it is allowed only for a single
 * replica without autoscaling (rolled out with `Recreate`); `shared` (ReadWriteMany) takes any
 * number of replicas.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppRoute } from "../entry-points/contract";
import { gatewayRouteTls } from "../entry-points/envoy-gateway";
import { routeThroughEntryPoint } from "../entry-points/routes";
import { STATEFUL_DATA_LABEL, workloadLabels } from "../platform/workload-security";
import { type AppArgs, isDatabaseData, resolveAppArgs, type ResolvedAppArgs, validateAppArgs } from "./app-args";
import { appIngressRules, declaredEgressRules, postgresEgressRules, serviceEgressRules } from "./app-network";
import { appAutoscalerSpec, appClaimSpec, appPodAnnotations, appPodSpec, appStrategy, claimName, needsDisruptionBudget, usesPodLabels } from "./app-pod";
import { CONTRACT_NONE, type EntryPointFacts } from "./contract";

export const APP_TYPE = "platform:index:App";

/** Labels a server's NetworkPolicy admits the app by (what a composition root hands Redis as a client). */
export function appClientLabels(appName: string): Record<string, string> {
    return { "app.kubernetes.io/name": appName };
}

/** Where users reach the app: https with a host and TLS, http with a host only, else the entry point's address. */
export function appUrl(host: string | undefined, tls: boolean, endpoint: string, path = "/"): string {
    const base = host === undefined ? `http://${endpoint}` : tls ? `https://${host}` : `http://${host}`;
    return `${base}${path}`;
}

/** Whether an entry point serves the app's route on https. */
export function routeServesTls(entryPoint: EntryPointFacts<unknown>, tls: boolean, host: string | undefined): boolean {
    return entryPoint.kind === "gateway" ? gatewayRouteTls(tls, host, entryPoint.listeners) : tls && host !== undefined;
}

/**
 * Aliases for the app's children, from the app's own aliases that give it another former type: the
 * URN each child had under the component it used to be. (The engine derives these from the
 * parent's aliases too; naming them keeps the offline plan, which sees only what is registered,
 * showing the move as one.)
 */
export function childAliases(name: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.Alias[] {
    return (opts?.aliases ?? []).flatMap((alias) => {
        if (typeof alias !== "object" || alias === null || pulumi.Output.isInstance(alias)) return [];
        const { type, name: aliasName, parent } = alias as pulumi.Alias;
        if (typeof type !== "string" || aliasName !== undefined || parent !== undefined) return [];
        return [{ parent: pulumi.createUrn(name, type, opts?.parent) }];
    });
}

export class App extends pulumi.ComponentResource {
    /** Where users reach the app through the primary entry point; `none` without a route. */
    readonly url: pulumi.Output<string>;
    readonly imageName: pulumi.Output<string>;
    readonly podLabels: Record<string, string>;
    /** What a server's NetworkPolicy admits the app by. */
    readonly clientLabels: Record<string, string>;
    readonly service: k8s.core.v1.Service;
    private readonly aliasesOfChildren: pulumi.Alias[];

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveAppArgs(name, args);
        validateAppArgs(name, a);
        super(APP_TYPE, name, {}, opts);
        this.aliasesOfChildren = childAliases(name, opts);

        const labels = workloadLabels(a.appName, name);
        this.podLabels = labels;
        this.clientLabels = appClientLabels(a.appName);
        this.imageName = pulumi.output(a.image);

        const claims = this.claims(name, a, labels);
        const deployment = this.deployment(name, a, labels, claims);
        this.service = this.createService(name, a, labels);
        this.scaling(name, a, labels, deployment);
        this.routes(name, a, labels);
        this.networkPolicies(name, a, labels);

        const primary = a.platform.entryPoints[0];
        const route = a.route;
        this.url =
            route === undefined
                ? pulumi.output(CONTRACT_NONE)
                : pulumi.output(primary.endpoint).apply((endpoint) => appUrl(route.host, routeServesTls(primary, a.platform.tls.enabled, route.host), endpoint, route.path));

        this.registerOutputs({ url: this.url, imageName: this.imageName });
    }

    private childOptions(): { parent: pulumi.Resource; aliases?: pulumi.Alias[] } {
        return { parent: this, ...(this.aliasesOfChildren.length > 0 ? { aliases: this.aliasesOfChildren } : {}) };
    }

    private claims(name: string, a: ResolvedAppArgs, labels: Record<string, string>): k8s.core.v1.PersistentVolumeClaim[] {
        return a.volumes.map(
            (v) =>
                new k8s.core.v1.PersistentVolumeClaim(
                    claimName(name, v.name),
                    {
                        metadata: { name: claimName(name, v.name), namespace: a.namespace, labels: { ...labels, ...(v.role === "retain" ? { [STATEFUL_DATA_LABEL]: "true" } : {}) } },
                        spec: appClaimSpec(a, v),
                    },
                    { ...this.childOptions(), protect: a.protectData ?? false },
                ),
        );
    }

    private deployment(name: string, a: ResolvedAppArgs, labels: Record<string, string>, claims: pulumi.Resource[]): k8s.apps.v1.Deployment {
        const pg = a.uses?.postgres !== undefined && !isDatabaseData(a.uses.postgres) ? a.uses.postgres : undefined;
        const secrets = [a.uses?.redis?.passwordSecret.resource, pg?.passwordSecret.resource, pg?.ready].filter((r) => r !== undefined);
        return new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name, namespace: a.namespace, labels },
                spec: {
                    // With autoscaling no `replicas`: the HPA owns the count (its minReplicas is
                    // `replicas`). A value here would be re-applied on every update, scaling an
                    // autoscaled Deployment back down, or conflict with the HPA under server-side
                    // apply (kubernetes.io docs, "Migrating Deployments ... to horizontal autoscaling").
                    ...(a.autoscaling ? {} : { replicas: a.replicas }),
                    selector: { matchLabels: labels },
                    strategy: appStrategy(a),
                    template: {
                        metadata: { labels: { ...labels, ...usesPodLabels(a.uses) }, annotations: appPodAnnotations(a) },
                        spec: appPodSpec(name, a, labels, this.imageName),
                    },
                },
            },
            // Its pods mount the Secrets and claims by name: they must exist first.
            { ...this.childOptions(), dependsOn: [...secrets, ...claims] },
        );
    }

    private createService(name: string, a: ResolvedAppArgs, labels: Record<string, string>): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace: a.namespace, labels },
                spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: a.servicePort, targetPort: a.port, protocol: "TCP" }] },
            },
            this.childOptions(),
        );
    }

    /** The HPA with autoscaling, and a disruption budget when more than one replica can run. */
    private scaling(name: string, a: ResolvedAppArgs, labels: Record<string, string>, deployment: k8s.apps.v1.Deployment): void {
        if (a.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                { metadata: { name, namespace: a.namespace, labels }, spec: appAutoscalerSpec(deployment.metadata.name, a.replicas, a.autoscaling) },
                this.childOptions(),
            );
        }
        if (needsDisruptionBudget(a)) {
            // maxUnavailable rather than minAvailable: with one replica left a node drain still proceeds.
            new k8s.policy.v1.PodDisruptionBudget(
                name,
                { metadata: { name, namespace: a.namespace, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
                this.childOptions(),
            );
        }
    }

    /** Each entry point's routing objects to the Service, built from its data. */
    private routes(name: string, a: ResolvedAppArgs, labels: Record<string, string>): void {
        if (a.route === undefined) return;
        const route: AppRoute = {
            name,
            namespace: a.namespace,
            labels,
            serviceName: this.service.metadata.name,
            servicePort: a.servicePort,
            host: a.route.host,
            ...(a.route.path !== undefined ? { path: a.route.path } : {}),
            tls: a.platform.tls.enabled,
            clusterIssuer: a.platform.tls.clusterIssuer,
            acmeHttp01: a.platform.tls.acmeHttp01,
        };
        for (const entryPoint of a.platform.entryPoints) {
            routeThroughEntryPoint(entryPoint, route, { ...this.childOptions(), dependsOn: a.routesDependOn?.[entryPoint.kind] ?? [] });
        }
    }

    private networkPolicies(name: string, a: ResolvedAppArgs, labels: Record<string, string>): void {
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, { metadata: { name: `${name}-${suffix}`, namespace: a.namespace, labels }, spec }, this.childOptions());
        const podSelector = { matchLabels: labels };
        // Only the entry points' data planes reach the app: under the namespace's default deny,
        // nothing else in the cluster can. The name predates the gateway and is kept (renaming
        // replaces the policy).
        if (a.route !== undefined) policy("allow-ingress-controller", { podSelector, policyTypes: ["Ingress"], ingress: appIngressRules(a.platform.entryPoints, a.port) });
        if (a.uses?.redis) policy("allow-redis-egress", { podSelector, policyTypes: ["Egress"], egress: serviceEgressRules(a.uses.redis) });
        if (a.uses?.postgres) policy("allow-postgres-egress", { podSelector, policyTypes: ["Egress"], egress: postgresEgressRules(a.uses.postgres) });
        if (a.egress.length > 0) policy("allow-egress", { podSelector, policyTypes: ["Egress"], egress: declaredEgressRules(a.egress) });
    }
}
