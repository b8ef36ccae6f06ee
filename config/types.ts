/**
 * The validated configuration the stacks and components receive: grouped by concern, every field
 * defaulted. Its shape is derived from the key declarations in ./keys.ts: each key's `at` names its
 * field, its kind gives the field's type, a key that may stay unset is an optional field, and a
 * secret key is a secret `Output<string>`. Adding a key there adds its field here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KEYS, KindValue, MayBeUnset, Section } from "./keys";
import type { Cloud } from "./domains";

export * from "./domains";

type Keys = typeof KEYS;
type Name = keyof Keys;
type At<N extends Name> = Keys[N]["at"];

/** Flattens intersections, so editors show one object type. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The value a key's field holds: a secret as an `Output` marked secret, never its plain text. */
type Held<N extends Name> = Keys[N] extends { secret: true } ? pulumi.Output<string> : KindValue<Keys[N]>;

/** The field name of a key placed directly under `path` (`cluster` → `cluster.minNodes` → `minNodes`). */
type FieldUnder<N extends Name, Path extends string> = At<N> extends `${Path}.${infer F}` ? (F extends `${string}.${string}` ? never : F) : never;

/** The fields directly under `path`: required, or optional where the key may stay unset. */
type Fields<Path extends string> = Flat<
    { [N in Name as MayBeUnset<Keys[N]> extends true ? never : FieldUnder<N, Path>]: Held<N> } & {
        [N in Name as MayBeUnset<Keys[N]> extends true ? FieldUnder<N, Path> : never]?: Held<N>;
    }
>;

/** Groups of keys under a section (`aws.existingVpc.vpcId` → `existingVpc`). */
type GroupsUnder<S extends string> = { [N in Name]: At<N> extends `${S}.${infer G}.${string}` ? G : never }[Name];

/** A section: its fields, and each group of keys in it, present (every field set) or absent. */
type SectionOf<S extends string> = Flat<Fields<S> & { [G in GroupsUnder<S>]?: Required<Fields<`${S}.${G}`>> }>;

/** Top-level fields (`chartSources`, `preflight`); `cloud` is each union member's own. */
type TopLevel = Flat<Omit<{ [N in Name as At<N> extends `${string}.${string}` ? never : At<N>]: Held<N> }, "cloud">>;

/** The sections every cloud has; the per-cloud ones hold that cloud's settings. */
type CommonSection = Exclude<Section, Cloud>;

export type CommonConfig = Flat<
    TopLevel & { [S in CommonSection]: SectionOf<S> } & {
        /** Things a preview should say out loud (pulumi.log.warn): support ending soon, an open API endpoint. */
        warnings: string[];
    }
>;

export type ClusterSettings = SectionOf<"cluster">;
export type IngressSettings = SectionOf<"ingress">;
export type StorageSettings = SectionOf<"storage">;
export type TlsSettings = SectionOf<"tls">;
export type WorkloadSettings = SectionOf<"workloads">;
export type AwsSettings = SectionOf<"aws">;
export type ExistingVpc = NonNullable<AwsSettings["existingVpc"]>;
export type GcpSettings = SectionOf<"gcp">;
export type AzureSettings = SectionOf<"azure">;
export type LocalSettings = SectionOf<"local">;

/** One cloud's configuration: the common sections, the cloud, and that cloud's own section. */
export type CloudConfig<C extends Cloud> = CommonConfig & { cloud: C } & { [S in C]: SectionOf<S> };
/** Every cloud's configuration, told apart by `cloud`: a new cloud in `CLOUDS` is a new member. */
export type PlatformConfig = { [C in Cloud]: CloudConfig<C> }[Cloud];
export type AwsConfig = CloudConfig<"aws">;
export type GcpConfig = CloudConfig<"gcp">;
export type AzureConfig = CloudConfig<"azure">;
export type LocalConfig = CloudConfig<"local">;
