/**
 * ECR repository for the platform's images, with push credentials for the image build.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ImageRegistry } from "../cluster/contract";

export const DEFAULT_UNTAGGED_EXPIRY_DAYS = 7;
export const DEFAULT_KEEP_TAGGED_IMAGES = 30;

/**
 * ECR lifecycle policy: untagged images (layers left behind by re-tags and failed pushes) expire
 * after `days`, and of the tagged ones only the newest `keepTagged` stay. A `tagged` rule must name
 * its tags (tagPatternList `*` matches every tag); rules apply in rulePriority order (ECR user
 * guide "Lifecycle policy properties", checked 2026-12-07). Every deployment pushes a new
 * digest-tagged image, so without the second rule the repository only ever grows.
 */
export function lifecyclePolicy(days: number, keepTagged: number): Record<string, unknown> {
    if (!Number.isInteger(days) || days < 1) throw new Error(`untaggedExpiryDays must be a whole number >= 1, got ${days}`);
    if (!Number.isInteger(keepTagged) || keepTagged < 1) throw new Error(`keepTaggedImages must be a whole number >= 1, got ${keepTagged}`);
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images ${days} days after push`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: days },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the newest ${keepTagged} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTagged },
                action: { type: "expire" },
            },
        ],
    };
}

/** `123456789012.dkr.ecr.eu-west-1.amazonaws.com/name` → the registry host a `docker login` wants. */
export function registryServer(repositoryUrl: string): string {
    return repositoryUrl.split("/")[0];
}

export interface EcrRegistryArgs {
    /** Image platform to build for. Default `linux/amd64`; `linux/arm64` for Graviton nodes. */
    platform?: string;
    /** Days after which untagged images expire. Default 7. */
    untaggedExpiryDays?: number;
    /** How many of the newest tagged images stay (`platform:registryKeepImages`). Default 30. */
    keepTaggedImages?: number;
}

export class EcrRegistry extends pulumi.ComponentResource {
    readonly repositoryUrl: pulumi.Output<string>;
    readonly registry: ImageRegistry;

    constructor(name: string, args: EcrRegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const lifecycle = lifecyclePolicy(args.untaggedExpiryDays ?? DEFAULT_UNTAGGED_EXPIRY_DAYS, args.keepTaggedImages ?? DEFAULT_KEEP_TAGGED_IMAGES);
        super("platform:aws:EcrRegistry", name, {}, opts);

        const repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                // Images are tagged by content digest: a tag that could be overwritten would make a
                // rollback deploy something other than what was tested.
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                // KMS with the AWS-managed ECR key: encrypted with an auditable key and no key to run.
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                // A destroy fails while images remain instead of deleting them silently; empty the
                // repository first on purpose.
                forceDelete: false,
            },
            { parent: this },
        );

        new aws.ecr.LifecyclePolicy(
            `${name}-lifecycle`,
            { repository: repository.name, policy: JSON.stringify(lifecycle) },
            { parent: this },
        );

        this.repositoryUrl = repository.repositoryUrl;
        this.registry = {
            repository: repository.repositoryUrl,
            credentials: {
                server: repository.repositoryUrl.apply(registryServer),
                // Looked up only when a deployment pushes (never in a preview, whose identity has no
                // ecr:GetAuthorizationToken), and afresh each time: ECR tokens last 12 hours.
                login: () => {
                    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
                    return { username: token.userName, password: pulumi.secret(token.password) };
                },
            },
            platform: args.platform ?? "linux/amd64",
        };

        this.registerOutputs({ repositoryUrl: this.repositoryUrl });
    }
}
