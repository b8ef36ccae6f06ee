/**
 * The platform's policy pack: `pulumi preview --policy-pack policy`. The rules live in ./rules so
 * tests can import them without constructing a PolicyPack (which starts the analyzer server).
 */
import { PolicyPack } from "@pulumi/policy";
import { PLATFORM_POLICIES } from "./rules";

new PolicyPack("platform", {
    description: "Guardrails of the Kubernetes platform: one public LoadBalancer (nginx's or the gateway's), platform storage classes, retained data, hardened containers, no plain-text secrets, a patched ingress-nginx.",
    enforcementLevel: "mandatory",
    policies: [...PLATFORM_POLICIES],
});
