/**
 * Who may use the GKE cluster besides the deployer: Kubernetes RBAC bindings for Google identities.
 *
 * Cluster-scoped on purpose (wave-2 decision): a project IAM role such as
 * `roles/container.admin` would reach every cluster in the project. GKE authenticates a Google
 * identity as a Kubernetes user named by its email, so RBAC can bind it directly; the identity
 * still needs `container.clusters.get` (e.g. `roles/container.clusterViewer`) to fetch credentials.
 * Groups: GKE sees a user's Google Groups only with Google Groups for RBAC (cluster setting
 * `authenticatorGroupsConfig.securityGroup: gke-security-groups@<domain>`, the groups nested in
 * that one); without it a `group:` binding matches nobody (GKE "Configure Google Groups for RBAC",
 * checked 2026-12-01).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { RbacSubject, TeamAccess } from "../cluster/contract";

export type { RbacSubject } from "../cluster/contract";

/**
 * `user:ana@example.com` -> User `ana@example.com`; `serviceAccount:ci@p.iam.gserviceaccount.com`
 * -> User (GKE names a service account by its email too); `group:ops@example.com` -> Group.
 * Config has validated the format (config/keys.ts, principals for gcp).
 */
export function gkeRbacSubject(member: string): RbacSubject {
    const sep = member.indexOf(":");
    const [kind, email] = [member.slice(0, sep), member.slice(sep + 1)];
    if (sep < 0 || !["user", "group", "serviceAccount"].includes(kind) || email === "") {
        throw new Error(`"${member}" is not a Google member; expected user:<email>, group:<email> or serviceAccount:<email>`);
    }
    return { kind: kind === "group" ? "Group" : "User", name: email, apiGroup: "rbac.authorization.k8s.io" };
}

/**
 * A team's editors on GKE: the same members as clusterAdmins, bound by their email (no cloud
 * resource: GKE authenticates them as they are; config refuses `group:` without Google Groups for RBAC).
 */
export const GKE_TEAM_ACCESS: TeamAccess = { subjects: (team) => team.editors.map(gkeRbacSubject) };

/** The bindings the platform owns: stable names, one per built-in role. */
export const GKE_ACCESS_BINDINGS = {
    admins: { name: "platform-cluster-admins", clusterRole: "cluster-admin" },
    readers: { name: "platform-cluster-readers", clusterRole: "view" },
} as const;

export interface GkeAccessArgs {
    /** Google members given cluster-admin. */
    admins: readonly string[];
    /** Google members given `view` (read-only, no Secrets). */
    readers: readonly string[];
}

export class GkeAccess extends pulumi.ComponentResource {
    constructor(name: string, args: GkeAccessArgs, opts: pulumi.ComponentResourceOptions & { provider: k8s.Provider }) {
        const subjects = { admins: args.admins.map(gkeRbacSubject), readers: args.readers.map(gkeRbacSubject) };
        super("platform:gcp:GkeAccess", name, {}, opts);
        for (const role of ["admins", "readers"] as const) {
            if (subjects[role].length === 0) continue;
            const binding = GKE_ACCESS_BINDINGS[role];
            // Subjects change in place; the role never does (roleRef is immutable).
            new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-${role}`,
                {
                    metadata: { name: binding.name, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: binding.clusterRole },
                    subjects: subjects[role],
                },
                { parent: this, provider: opts.provider },
            );
        }
        this.registerOutputs({});
    }
}
