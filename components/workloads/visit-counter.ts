/**
 * The FastAPI visit counter: the platform's first `App`, with Redis as its dependency. Everything
 * it gets is the `App` contract's; only what is particular to this service is decided here (its
 * port, probes, resources and scratch space).
 *
 * It was a component of its own type (`platform:index:VisitCounter`) before: the alias keeps the
 * URNs of the component and of every object under it, so nothing is replaced by the move.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { App, appClientLabels } from "../apps/app";
import type { AppArgs, AppScratch } from "../apps/app-args";
import type { AppPlatform, EntryPointFacts } from "../apps/contract";
import type { RedisConnection } from "./redis";

export const VISIT_COUNTER_APP_NAME = "visit-counter";
/** Subset of the visit counter's pod labels that every instance carries: what Redis admits. */
export const VISIT_COUNTER_CLIENT_LABELS: Readonly<Record<string, string>> = appClientLabels(VISIT_COUNTER_APP_NAME);
/** The component type it had before it was an `App`, for the alias. */
export const VISIT_COUNTER_FORMER_TYPE = "platform:index:VisitCounter";
/** The Dockerfile's `USER 10001:10001`. */
export const APP_UID = 10001;
export const APP_PORT = 8000;
export const SERVICE_PORT = 80;
export const CPU_TARGET_UTILIZATION = 70;
/** The app's scratch `emptyDir`s (the root filesystem is read-only), lost with the pod by design. */
export const APP_SCRATCH_VOLUMES: readonly AppScratch[] = [{ name: "tmp", mountPath: "/tmp", sizeMi: 64 }];

/**
 * Probes. Readiness is `/readyz` (503 until Redis answers) so a pod without Redis gets no traffic;
 * liveness is `/healthz`, which checks nothing external, so a Redis outage never restarts the app.
 */
export function appProbes(): {
    readiness: k8s.types.input.core.v1.Probe;
    liveness: k8s.types.input.core.v1.Probe;
    startup: k8s.types.input.core.v1.Probe;
} {
    return {
        readiness: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        liveness: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        // Covers a slow first start without a long liveness delay later.
        startup: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
    };
}

export interface VisitCounterArgs {
    namespace: pulumi.Input<string>;
    /**
     * The app's image reference (`AppImage.imageName`, or `platform:appImage`). Built outside this
     * component, so the build and push wait only for the registry, never for the add-ons this
     * component waits for: a short-lived push token (GKE's access token lives an hour) is still
     * fresh when it is used.
     */
    image: pulumi.Output<string>;
    /** Minimum replicas (the HPA's floor). */
    replicas: number;
    /** HPA ceiling. */
    maxReplicas: number;
    redis: RedisConnection;
    /** The platform as data (entry points, primary first; TLS; node facts). */
    platform: AppPlatform;
    /** Public host name (`platform:domain`). Unset: path routing on the entry point's address only. */
    host?: string;
    /** What the routes wait for, per entry point kind (the Gateway API CRDs and the Gateway). */
    routesDependOn?: Partial<Record<EntryPointFacts["kind"], readonly pulumi.Resource[]>>;
}

/** The visit counter as `App` arguments. */
export function visitCounterAppArgs(args: VisitCounterArgs): AppArgs {
    return {
        namespace: args.namespace,
        platform: args.platform,
        image: args.image,
        port: APP_PORT,
        servicePort: SERVICE_PORT,
        replicas: args.replicas,
        autoscaling: { maxReplicas: args.maxReplicas, cpuUtilization: CPU_TARGET_UTILIZATION },
        // The HPA's 70% target is of this CPU request.
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        probes: appProbes(),
        scratch: APP_SCRATCH_VOLUMES,
        uid: APP_UID,
        appName: VISIT_COUNTER_APP_NAME,
        route: { host: args.host },
        uses: { redis: args.redis },
        routesDependOn: args.routesDependOn,
    };
}

/** The visit counter, an `App` aliased to the component it used to be. */
export function visitCounter(name: string, args: VisitCounterArgs, opts: pulumi.ComponentResourceOptions = {}): App {
    return new App(name, visitCounterAppArgs(args), { ...opts, aliases: [...(opts.aliases ?? []), { type: VISIT_COUNTER_FORMER_TYPE }] });
}

