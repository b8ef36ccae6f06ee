/**
 * The local target's preflight: the Kubernetes version of the cluster the user made, against the
 * ingress controller's supported range (on the clouds the program chooses the version; here kind,
 * minikube or Docker Desktop did). It reaches the cluster itself (kubectl), so the offline plan,
 * which reads only through the engine, skips it.
 */
import { type Finding, type PreflightCheck } from "../cluster/preflight";
import { CONTROLLER_SUPPORT, controllerSupports } from "../../facts/versions";
import type { IngressControllerChoice, LocalConfig } from "../../config";
import { type ServerVersionReading, readServerVersion, supportedRange } from "./server-version";

function controllerLabel(controller: IngressControllerChoice): string {
    return controller === "both" ? "ingress-nginx and the gateway together" : controller === "nginx" ? "ingress-nginx" : "the gateway (Envoy Gateway)";
}

/**
 * The server's version against the controller's range: outside it is an error naming the way out
 * (the gateway where it supports the version, else the node image docs/kind-config.yaml pins);
 * unreadable is a warning with the range, since the Kubernetes provider reports an unreachable
 * cluster itself.
 */
export function serverVersionFindings(reading: ServerVersionReading, controller: IngressControllerChoice, context: string): Finding[] {
    const range = supportedRange(controller);
    const label = controllerLabel(controller);
    if ("unreadable" in reading) {
        return [
            {
                severity: "warning",
                what: `could not read the local cluster's Kubernetes version (${reading.unreadable})`,
                why: `${label} supports Kubernetes ${range}; on a server outside it the controller does not start`,
                fix: `check with kubectl version --context ${context}`,
            },
        ];
    }
    const { major, minor, gitVersion } = reading.version;
    if (major === 1 && controllerSupports(controller, minor)) return [];
    const gateway = CONTROLLER_SUPPORT.gateway;
    const gatewayFits = controller !== "gateway" && major === 1 && minor >= gateway.min && minor <= gateway.max;
    const recreate = "recreate the cluster with the node image pinned in docs/kind-config.yaml: kind create cluster --config docs/kind-config.yaml";
    return [
        {
            severity: "error",
            what: `the local cluster (context ${context}) runs Kubernetes ${gitVersion}, outside the range ${label} supports (${range})`,
            why: "the platform's entry point would be installed on a Kubernetes version its controller was never released for (ingress-nginx has no release past 1.35)",
            fix: gatewayFits ? `pulumi config set platform:ingressController gateway (supports 1.${gateway.min}-1.${gateway.max}), or ${recreate}` : recreate,
        },
    ];
}

/** The local target's checks; `read` asks the server (kubectl) by default. */
export function localPreflight(config: LocalConfig, read: (settings: LocalConfig["local"]) => ServerVersionReading = readServerVersion): PreflightCheck[] {
    return [
        {
            id: "local-server-version",
            reads: "cluster",
            run: () => Promise.resolve(serverVersionFindings(read(config.local), config.ingress.controller, config.local.kubeContext)),
        },
    ];
}
