import * as assert from "node:assert/strict";
import { SKIPPED_TOKENS, SUPPORTED_TOKENS, validateKubernetesObject } from "./schema";

const deployment = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    type: "kubernetes:apps/v1:Deployment",
    name: "d",
    inputs: {
        metadata: { name: "d" },
        spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [container] } }, ...spec },
    },
});

describe("Kubernetes schema validation (tests/harness/schema.ts)", () => {
    it("supports every object type the workloads and the platform register", () => {
        for (const token of [
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:apps/v1:StatefulSet",
            "kubernetes:apps/v1:Deployment",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:networking.k8s.io/v1:Ingress",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "kubernetes:policy/v1:PodDisruptionBudget",
            "kubernetes:storage.k8s.io/v1:StorageClass",
            "kubernetes:storage.k8s.io/v1:StorageClassPatch",
        ]) {
            assert.ok(SUPPORTED_TOKENS.includes(token), token);
        }
    });

    it("accepts a valid object, filling apiVersion and kind from the type token", () => {
        assert.equal(validateKubernetesObject(deployment({ name: "app", image: "x:1", ports: [{ containerPort: 8000 }] })), "valid");
    });

    it("rejects a wrong type, naming the field", () => {
        assert.throws(
            () => validateKubernetesObject(deployment({ name: "app", image: "x:1", ports: [{ containerPort: "8000" }] })),
            /apps\/v1:Deployment d does not match.*containers\/0\/ports\/0\/containerPort must be integer/,
        );
    });

    it("rejects a missing required field and a value outside an enum", () => {
        assert.throws(() => validateKubernetesObject(deployment({ image: "x:1" })), /containers\/0 must have required property name/);
        assert.throws(
            () =>
                validateKubernetesObject({
                    type: "kubernetes:networking.k8s.io/v1:Ingress",
                    name: "i",
                    inputs: { spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Everything", backend: {} }] } }] } },
                }),
            /pathType must be equal to one of the allowed values/,
        );
    });

    it("lets a Patch resource omit required fields but not break types", () => {
        const patch = { type: "kubernetes:storage.k8s.io/v1:StorageClassPatch", name: "gp2", inputs: { metadata: { name: "gp2", annotations: { a: "b" } } } };
        assert.equal(validateKubernetesObject(patch), "valid");
        assert.throws(() => validateKubernetesObject({ ...patch, inputs: { ...patch.inputs, allowVolumeExpansion: "yes" } }), /allowVolumeExpansion must be boolean/);
        assert.throws(() => validateKubernetesObject({ type: "kubernetes:storage.k8s.io/v1:StorageClass", name: "x", inputs: { metadata: { name: "x" } } }), /provisioner/);
    });

    it("skips Helm releases and cert-manager resources explicitly, and refuses anything unknown", () => {
        assert.equal(validateKubernetesObject({ type: "kubernetes:helm.sh/v3:Release", name: "r", inputs: {} }), "skipped");
        assert.equal(validateKubernetesObject({ type: "kubernetes:cert-manager.io/v1:ClusterIssuer", name: "c", inputs: {} }), "skipped");
        assert.ok(SKIPPED_TOKENS.every((t) => !SUPPORTED_TOKENS.includes(t)));
        assert.throws(() => validateKubernetesObject({ type: "kubernetes:example.com/v1:Widget", name: "w", inputs: {} }), /no OpenAPI schema for kubernetes:example\.com\/v1:Widget/);
        assert.throws(() => validateKubernetesObject({ type: "kubernetes:apps/v1beta9:Deployment", name: "d", inputs: {} }), /no OpenAPI schema/);
    });
});
