/**
 * A regional Artifact Registry Docker repository for the platform's images, and the short-lived
 * credentials Pulumi pushes with.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { ImageRegistry } from "../cluster/contract";
import { REGISTRY_TOKEN_USERNAME, registryHost, registryImageRepository } from "./facts";

/**
 * `condition.olderThan` is a protobuf Duration: seconds with an `s` suffix. `"14d"` is refused
 * ("Illegal duration format", pulumi/pulumi-gcp#3344), and a value the API reads back in another
 * form than the one sent shows as a diff that replaces the repository. Whole seconds are what the
 * API returns, so `14` days is sent as `"1209600s"`.
 */
export function durationSeconds(days: number): string {
    return `${days * 86400}s`;
}

/**
 * Untagged versions appear every time a push moves a tag. They are deleted after a grace period
 * long enough to roll back to one, and the newest versions are always kept, whatever their age.
 */
export function registryCleanupPolicies(untaggedMaxAgeDays: number, keepRecent: number): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
    return [
        { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: durationSeconds(untaggedMaxAgeDays) } },
        { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: keepRecent } },
    ];
}

/** Problems with the arguments, checked before anything is registered; empty when valid. */
export function validateArtifactRegistryArgs(args: ArtifactRegistryArgs, name: string): string[] {
    const problems: string[] = [];
    const id = args.repositoryId ?? name;
    if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id)) problems.push(`repositoryId "${id}" must be lower-case letters, digits and hyphens, starting with a letter`);
    if (args.untaggedMaxAgeDays !== undefined && (!Number.isInteger(args.untaggedMaxAgeDays) || args.untaggedMaxAgeDays < 1)) {
        problems.push(`untaggedMaxAgeDays must be a whole number of days >= 1 (got ${args.untaggedMaxAgeDays})`);
    }
    if (args.keepRecentVersions !== undefined && (!Number.isInteger(args.keepRecentVersions) || args.keepRecentVersions < 1)) {
        problems.push(`keepRecentVersions must be a whole number >= 1 (got ${args.keepRecentVersions})`);
    }
    return problems;
}

export interface ArtifactRegistryArgs {
    project: string;
    /** Repository location; keep it in the cluster's region so pulls stay regional. */
    region: string;
    /** Repository id (lower-case letters, digits, hyphens). Default: the component name. */
    repositoryId?: string;
    /** Image name inside the repository. Default `visit-counter`. */
    imageName?: string;
    /** Age in days after which untagged versions are deleted. Default 14. */
    untaggedMaxAgeDays?: number;
    /** Versions kept regardless of age or tag state. Default 10. */
    keepRecentVersions?: number;
    /** Platform images are built for. Default `linux/amd64`; use `gkeImagePlatform(nodeSize)`. */
    platform?: string;
    /** Turn on the Artifact Registry API (never turned off on destroy). Default true. */
    enableApi?: boolean;
    /**
     * Who may pull, by a stable name: `{ nodes: <node service account member> }`. Granted
     * `roles/artifactregistry.reader` on this repository only, never project-wide. Default none.
     */
    readers?: Record<string, pulumi.Input<string>>;
}

/** The role that lets a member pull from the repository. */
export const REGISTRY_READER_ROLE = "roles/artifactregistry.reader";

export class ArtifactRegistry extends pulumi.ComponentResource {
    readonly repository: gcp.artifactregistry.Repository;
    /** What the workloads build and push to; the password is a secret access token. */
    readonly registry: ImageRegistry;

    constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateArtifactRegistryArgs(args, name);
        if (problems.length > 0) throw new Error(`ArtifactRegistry ${name}: ${problems.join("; ")}`);
        super("platform:gcp:ArtifactRegistry", name, {}, opts);
        const { project, region } = args;
        const repositoryId = args.repositoryId ?? name;

        const api = (args.enableApi ?? true)
            ? [
                  new gcp.projects.Service(
                      `${name}-api`,
                      { project, service: "artifactregistry.googleapis.com", disableOnDestroy: false, disableDependentServices: false },
                      { parent: this },
                  ),
              ]
            : [];

        this.repository = new gcp.artifactregistry.Repository(
            `${name}-repo`,
            {
                project,
                location: region,
                repositoryId,
                format: "DOCKER",
                mode: "STANDARD_REPOSITORY",
                description: "Platform workload images (managed by Pulumi)",
                // Explicit: with dry run on, the policies below would only report, never delete.
                cleanupPolicyDryRun: false,
                cleanupPolicies: registryCleanupPolicies(args.untaggedMaxAgeDays ?? 14, args.keepRecentVersions ?? 10),
            },
            { parent: this, dependsOn: api },
        );

        for (const [who, member] of Object.entries(args.readers ?? {})) {
            new gcp.artifactregistry.RepositoryIamMember(
                `${name}-reader-${who}`,
                { project, location: this.repository.location, repository: this.repository.repositoryId, role: REGISTRY_READER_ROLE, member },
                { parent: this },
            );
        }

        this.registry = {
            // Built from the repository's outputs so pushes wait until the repository exists.
            repository: pulumi
                .all([this.repository.location, this.repository.project, this.repository.repositoryId])
                .apply(([location, repoProject, id]) => registryImageRepository(location, repoProject, id, args.imageName ?? "visit-counter")),
            credentials: {
                server: registryHost(region),
                // An OAuth access token of whoever runs Pulumi, valid for about an hour: no long-lived
                // key is created or stored. Read only when a deployment pushes, never in a preview.
                login: () => ({
                    username: REGISTRY_TOKEN_USERNAME,
                    password: pulumi.secret(gcp.organizations.getClientConfigOutput({ parent: this }).accessToken),
                }),
            },
            platform: args.platform ?? "linux/amd64",
        };

        this.registerOutputs({ repository: this.registry.repository, server: registryHost(region) });
    }
}
