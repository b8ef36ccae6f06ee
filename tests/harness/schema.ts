/**
 * Validates recorded Kubernetes objects against the Kubernetes OpenAPI schema (kubernetes-models),
 * so a wrong type, a missing required field or a bad enum value fails a test instead of a deploy.
 *
 * Limits of the schema: it does not reject unknown fields (no `additionalProperties: false`), and
 * it knows nothing of cross-field rules the API server enforces in code.
 */
import * as admissionregistrationV1 from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as apiextensionsV1 from "kubernetes-models/apiextensions.k8s.io/v1";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as schedulingV1 from "kubernetes-models/scheduling.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";
import type { RecordedResource } from "./mocks";

interface ModelClass {
    apiVersion: string;
    kind: string;
    new (data: Record<string, unknown>): { validate(): void };
}

function isModelClass(v: unknown): v is ModelClass {
    return typeof v === "function" && typeof (v as Partial<ModelClass>).apiVersion === "string" && typeof (v as Partial<ModelClass>).kind === "string";
}

/** Pulumi's type token of an API object: `kubernetes:<group or "core">/<version>:<Kind>`. */
function tokenOf(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

const MODELS = new Map<string, ModelClass>();
for (const mod of [coreV1, appsV1, batchV1, networkingV1, policyV1, autoscalingV2, storageV1, rbacV1, admissionregistrationV1, schedulingV1, apiextensionsV1]) {
    for (const value of Object.values(mod)) {
        if (isModelClass(value)) MODELS.set(tokenOf(value.apiVersion, value.kind), value);
    }
}

/**
 * Kubernetes-package resources that are not Kubernetes API objects (Helm releases and charts,
 * YAML/kustomize groups) or not ones the Kubernetes schema describes (cert-manager's custom
 * resources, a generic CustomResource): listed by type so that skipping them is a decision.
 */
export const SKIPPED_TOKENS: readonly string[] = [
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:kustomize/v2:Directory",
    "kubernetes:apiextensions.k8s.io:CustomResource",
    "kubernetes:cert-manager.io/v1:ClusterIssuer",
    // CRD of the external-snapshotter (the EKS snapshot-controller add-on installs it); not in Kubernetes' OpenAPI.
    "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass",
    "kubernetes:cert-manager.io/v1:Issuer",
    "kubernetes:cert-manager.io/v1:Certificate",
    // Gateway API and Envoy Gateway kinds: checked against the CRD schemas of envoyproxy/gateway
    // v1.9.0 (gateway-crds-helm, standard channel) while writing them; not vendored here.
    "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
];

/** Every token `validateKubernetesObject` checks: each model's object type and its `...Patch` type. */
export const SUPPORTED_TOKENS: readonly string[] = [...MODELS.keys()].flatMap((t) => [t, `${t}Patch`]).sort();

export type ValidationOutcome = "valid" | "skipped";

interface AjvLikeError {
    keyword: string;
    instancePath: string;
    message?: string;
    params?: Record<string, unknown>;
}

function errorsOf(e: unknown): AjvLikeError[] | undefined {
    const errors = (e as { errors?: unknown }).errors;
    return Array.isArray(errors) ? (errors as AjvLikeError[]) : undefined;
}

/**
 * Validates one recorded Kubernetes resource. Returns "skipped" only for `SKIPPED_TOKENS`; throws
 * on a schema violation and on any token it does not know, so nothing goes silently unchecked.
 * `...Patch` resources are partial by design: all but "required" violations count.
 */
export function validateKubernetesObject(record: Pick<RecordedResource, "type" | "name" | "inputs">): ValidationOutcome {
    if (SKIPPED_TOKENS.includes(record.type)) return "skipped";
    const isPatch = record.type.endsWith("Patch") && !MODELS.has(record.type);
    const token = isPatch ? record.type.slice(0, -"Patch".length) : record.type;
    const Model = MODELS.get(token);
    if (!Model) {
        throw new Error(`no OpenAPI schema for ${record.type} (${record.name}): add its group to tests/harness/schema.ts or to SKIPPED_TOKENS`);
    }
    const object = new Model({ ...record.inputs, apiVersion: Model.apiVersion, kind: Model.kind });
    try {
        object.validate();
    } catch (e) {
        const errors = errorsOf(e);
        if (isPatch && errors && errors.every((x) => x.keyword === "required")) return "valid";
        const detail = errors
            ? errors
                  .filter((x) => !(isPatch && x.keyword === "required"))
                  .map((x) => `${x.instancePath || "/"} ${x.message ?? x.keyword}${x.params ? ` ${JSON.stringify(x.params)}` : ""}`)
                  .join("; ")
            : String(e);
        throw new Error(`${record.type} ${record.name} does not match the Kubernetes schema: ${detail}`, { cause: e });
    }
    return "valid";
}
