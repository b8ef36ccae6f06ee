/**
 * Every config key the program reads, declared once: namespace, the clouds it applies to, its place
 * in `PlatformConfig`, its kind (type and validation), its default and one line of documentation.
 * Everything else derives from this table: `readConfig` (./index.ts) reads, validates and places
 * each value by it, ./types.ts derives `PlatformConfig`'s TypeScript shape from it, and the
 * configuration reference in docs/configuration.md is generated from it (`npm run docs:config`; tests/config/reference.test.ts
 * fails when they differ).
 *
 * Rules between keys (maxNodes >= minNodes, ...) are named functions in ./rules.ts.
 */
import { type IngressController, defaultIngressController, defaultKubernetesVersion } from "../facts/versions";
import { validateCronSchedule } from "./cron";
import { type MaintenanceWindow, maintenanceWindowKind } from "./maintenance";
import { type TeamConfig, teamsKind } from "./teams";
import {
    ACME_SERVERS,
    AKS_NODE_OS_UPGRADE_CHANNELS,
    AKS_UPGRADE_CHANNELS,
    CLOUDS,
    type ChartSource,
    type Cloud,
    GKE_RELEASE_CHANNELS,
    INGRESS_CONTROLLERS,
    MANAGED_CLOUDS,
    NODE_MODES,
    OBSERVABILITY,
    PLATFORM_CHARTS,
    PLATFORM_CHART_NAMES,
    PREFLIGHT_MODES,
    STORAGE_TIERS,
} from "./domains";
import { type Kind, type Parsed, boolean, checked, integer, integerOf, list, oneOf, stringMap, text } from "./kinds";

/**
 * What a computed default may read: other keys' values (validated or defaulted) and raw text. Keys
 * are named by string here (a `KeyName` would make the table's type depend on itself); an unknown
 * name or a value of another type throws, which the config tests would show at once.
 */
export interface DefaultContext {
    readonly cloud: Cloud;
    number(key: string): number;
    string(key: string): string | undefined;
    list(key: string): string[] | undefined;
    /** The raw text of a key as set, or undefined: for defaults that follow an explicit choice. */
    raw(key: string): string | undefined;
}

export type Default<T> =
    | { readonly value: T }
    | { readonly compute: (c: DefaultContext) => T }
    /** Unset is fine: the value is undefined (an optional field of `PlatformConfig`). */
    | { readonly unset: true }
    /** Unset is an error; `how` completes "is required ..." */
    | { readonly required: string };

/**
 * The sections of `PlatformConfig`: one per concern, and one per cloud (present only on that
 * cloud's config). A key's `at` is `section.field`, `section.group.field` (a group present only
 * when every key in it is set: an existing network is given whole) or a top-level `field`.
 */
export const SECTIONS = ["cluster", "ingress", "storage", "tls", "workloads", ...CLOUDS] as const;
export type Section = (typeof SECTIONS)[number];

export interface KeyDecl<T> {
    /** `platform`, or the provider that owns the key. */
    readonly namespace: "platform" | "aws" | "gcp" | "azure-native";
    readonly clouds: readonly Cloud[];
    /** Where the value sits in `PlatformConfig` (see `SECTIONS`). */
    readonly at: string;
    /** One kind, or one per cloud (node sizes, principals, log retention differ by cloud). */
    readonly kind: Kind<T> | ((cloud: Cloud) => Kind<T>);
    readonly default: Default<NoInfer<T>>;
    /** docs/configuration.md "default" column; for a `value` default it may be left out (the value, as code). */
    readonly defaultDoc?: string;
    /** docs/configuration.md "meaning" column: what it does, and any rule it takes part in. */
    readonly doc: string;
    /**
     * A credential: it must be set with `pulumi config set --secret` (a plain-text value is refused,
     * as it would sit unencrypted in Pulumi.<stack>.yaml), reaches `PlatformConfig` as a secret
     * `Output` read with Pulumi's secret API, and no message ever quotes it.
     */
    readonly secret?: true;
}

/**
 * Declares a key, keeping the literal types `PlatformConfig` is derived from (its place, its kind of
 * default, whether it is secret). A non-`value` default must say in prose what it is.
 */
function key<T, const D extends Default<T>, const A extends string, const S extends true | undefined = undefined>(
    decl: KeyDecl<T> & { readonly default: D; readonly at: A; readonly secret?: S } & (D extends { value: unknown } ? unknown : { readonly defaultDoc: string }),
): KeyDecl<T> & { readonly default: D; readonly at: A; readonly secret: S } {
    return decl as KeyDecl<T> & { readonly default: D; readonly at: A; readonly secret: S };
}

/** The configuration reference's "default" column of a key: its prose, or its plain value as code. */
export function defaultDocOf(decl: KeyDecl<unknown>): string {
    if (decl.defaultDoc !== undefined) return decl.defaultDoc;
    if (!("value" in decl.default)) throw new Error(`config/keys.ts: a key at ${decl.at} needs a defaultDoc`);
    const value = decl.default.value;
    return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

const ALL = CLOUDS;
const MANAGED = MANAGED_CLOUDS;

// ---- value shapes ----------------------------------------------------------------------------

const KUBERNETES_QUANTITY = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const LABEL_VALUE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const PROVISIONER = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$/;
/**
 * Debian-based postgres tags only: the workload runs as the image's postgres uid 999, which the
 * Alpine images do not have (theirs is 70), so initdb would fail or own the data as a stranger.
 * Optionally pinned by the image index's digest (`18.6-trixie@sha256:…`): the tag is still
 * required, its major decides the volume layout.
 */
const POSTGRES_TAG = /^(1[4-9]|[2-9][0-9])(\.[0-9]+)?(-(bookworm|trixie))?(@sha256:[a-f0-9]{64})?$/;
/**
 * postgres:18.6-trixie (the newest 18.x), pinned: multi-arch index digest from docker-library/repo-info
 * repos/postgres/remote/18.6.md, the same index as 18.6-trixie (built 2026-09-19; checked 2026-12-07).
 */
const DEFAULT_POSTGRES_VERSION = "18.6-trixie@sha256:86c951e05bf56c93d95d397747fb8820ac76cc3bedb78f43abd83eedbe3666ae";

/** S3 bucket naming rules (Amazon S3 user guide "General purpose bucket naming rules", checked 2026-12-07). */
const S3_BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * What is wrong with `platform:postgresBackupS3Endpoint`, if anything: an `http` or `https` URL of a
 * host (and port) only. A path would be taken by rclone as part of the host's address, and
 * credentials in the URL would sit in plain text in the stack's config.
 */
export function s3EndpointProblem(value: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `"${value}" is not a URL; expected http(s)://host[:port] such as https://minio.example.com:9000`;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return `"${value}" is not http or https; expected http(s)://host[:port] such as https://minio.example.com:9000`;
    if (url.username !== "" || url.password !== "") return `"${value}" holds credentials; set them with postgresBackupS3AccessKeyId and postgresBackupS3SecretAccessKey (secret keys) instead`;
    if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "" || /\/$/.test(value)) {
        return `"${value}" has a path, query or trailing slash; expected the server only, http(s)://host[:port] (the bucket is postgresBackupS3Bucket)`;
    }
    return undefined;
}

/** An S3 access key id or secret: printable ASCII without spaces; a problem never quotes it. */
function s3Credential(min: number, max: number): Kind<string> {
    return {
        type: `${min}–${max} printable ASCII characters without spaces`,
        parse: (raw) =>
            new RegExp(`^[!-~]{${min},${max}}$`).test(raw)
                ? { value: raw }
                : { problem: `is ${raw.length} characters long or holds a space or non-ASCII character; expected ${min} to ${max} printable ASCII characters without spaces` },
    };
}

/** What is wrong with an IPv4 CIDR of any prefix length (/0-/32), if anything. */
export function ipv4CidrProblem(value: string): string | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return "is not an IPv4 CIDR such as 203.0.113.0/24";
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) return "is not an IPv4 CIDR such as 203.0.113.0/24";
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - bits);
    if (address % size !== 0) {
        const network = Math.floor(address / size) * size;
        const text = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
        return `has host bits set; expected its network address ${text}/${bits}`;
    }
    return undefined;
}

/** The VPC block: /16 to /24, as EKS subnets are carved from it. */
export function vpcCidrValid(value: string): boolean {
    return ipv4CidrProblem(value) === undefined && Number(value.split("/")[1]) >= 16 && Number(value.split("/")[1]) <= 24;
}

/** The instance type / machine type / VM size shape per cloud: enough to catch one meant for another cloud. */
export const NODE_SIZE: { [c in Exclude<Cloud, "local">]: { pattern: RegExp; example: string; expected: string } } = {
    aws: { pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, example: "m6i.large", expected: "an EC2 instance type such as m6i.large" },
    gcp: { pattern: /^[a-z][a-z0-9]*-[a-z0-9-]+$/, example: "e2-standard-4", expected: "a Compute Engine machine type such as e2-standard-4" },
    azure: { pattern: /^Standard_[A-Za-z0-9_]+$/, example: "Standard_D4s_v5", expected: "an Azure VM size such as Standard_D4s_v5" },
};

/** Who may be given cluster access, per cloud (EKS access entries, GKE RBAC subjects, Entra object ids). */
export const PRINCIPAL: { [c in Exclude<Cloud, "local">]: { pattern: RegExp; what: string } } = {
    aws: { pattern: /^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)\/[A-Za-z0-9+=,.@_/-]+$/, what: "an IAM role or user ARN such as arn:aws:iam::123456789012:role/ops" },
    gcp: { pattern: /^(user|group|serviceAccount):[^@\s:]+@[A-Za-z0-9.-]+\.[a-z]{2,}$/, what: "a Google member such as user:ana@example.com, group:ops@example.com or serviceAccount:ci@p.iam.gserviceaccount.com" },
    azure: { pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, what: "an Entra object id (a GUID)" },
};

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy); 0 would mean "never expire". */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** A Log Analytics workspace's interactive retention (PerGB2018 SKU): 30 to 730 days. */
export const LOG_ANALYTICS_RETENTION = { min: 30, max: 730 } as const;

// ---- app image, chart sources, passwords ---------------------------------------------------

// Image reference grammar of distribution/reference (reference.go, checked 2026-12-07):
// name [":" tag] ["@" digest]; name := [domain "/"] path-component ["/" path-component]*.
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const IMAGE_REFERENCE = new RegExp(`^${REPOSITORY}(?::[\\w][\\w.-]{0,127})?(?:@(?<digest>[^@]+))?$`);
/** A canonical sha256 digest, as registries and containerd write it (lower-case hex). */
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * What is wrong with `platform:appImage`, if anything: an image reference pinned by digest
 * (`registry/repo@sha256:…`, or `registry/repo:tag@sha256:…`, where the digest decides). A tag alone
 * is refused: tags move, so the same config could run another image after the next push.
 */
export function appImageProblem(value: string): string | undefined {
    const m = IMAGE_REFERENCE.exec(value);
    if (!m) return `"${value}" is not an image reference; expected registry/repository@sha256:<64 hex digits> such as registry.example.com/visit-counter@sha256:${"0".repeat(64)}`;
    const digest = m.groups?.digest;
    if (digest === undefined) {
        return `"${value}" names a tag only; tags move, so the same config could run another image tomorrow: pin the digest, e.g. ${value.replace(/:[\w][\w.-]*$/, "")}@sha256:<64 hex digits> (docker buildx imagetools inspect ${value} prints it)`;
    }
    if (!SHA256_DIGEST.test(digest)) return `"${value}" has a malformed digest "${digest}"; expected sha256: and 64 lower-case hex digits`;
    return undefined;
}

const OCI_CHART = new RegExp(`^oci://${DOMAIN}(?:/${PATH_COMPONENT})+$`);

/**
 * Where a chart comes from, parsed from `platform:chartSources`: an `https://` Helm repository, the
 * chart's `oci://` reference, or a directory (absolute, or `./`/`../` relative to the project
 * directory, so a bare word is never mistaken for a `repo/chart` alias of the local Helm client).
 */
export function parseChartSource(value: string): Parsed<ChartSource> {
    const expected = "expected an https:// Helm repository URL, an oci:// chart reference, or a directory path starting with /, ./ or ../";
    if (value.startsWith("https://")) {
        let url: URL | undefined;
        try {
            url = new URL(value);
        } catch {
            url = undefined;
        }
        if (!url || url.hostname === "") return { problem: `"${value}" is not a URL; ${expected}` };
        // Credentials in the URL would sit in plain text in the stack's config and in the Helm release.
        if (url.username !== "" || url.password !== "") return { problem: `"${value}" carries credentials, which would be stored in plain text; expected the repository URL without user or password` };
        return { value: { kind: "repository", url: value } };
    }
    if (value.startsWith("oci://")) {
        // The platform pins each chart's version; a tag or digest here would contradict it.
        if (/[:@][^/]*$/.test(value.slice("oci://".length).replace(/^[^/]*/, ""))) {
            return { problem: `"${value}" names a tag or digest; the platform pins the chart version, so expected the chart's reference without one, such as oci://registry.example.com/charts/cert-manager` };
        }
        return OCI_CHART.test(value) ? { value: { kind: "oci", chart: value } } : { problem: `"${value}" is not an OCI chart reference such as oci://registry.example.com/charts/cert-manager` };
    }
    // Plain http (or any other scheme) would let anyone on the path swap the chart.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { problem: `"${value}" uses a scheme the platform does not fetch charts over; ${expected}` };
    const printable = [...value].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
    if (/^(\/|\.\/|\.\.\/)/.test(value) && printable) return { value: { kind: "directory", path: value } };
    return { problem: `"${value}" is not valid; ${expected}` };
}

const chartSourcesKind = (cloud: Cloud): Kind<{ [chart in keyof typeof PLATFORM_CHARTS]?: ChartSource }> =>
    stringMap(
        { name: "chart name", value: "source (https:// repository, oci:// chart, or directory)" },
        PLATFORM_CHART_NAMES.filter((chart) => (PLATFORM_CHARTS[chart] as readonly Cloud[]).includes(cloud)),
        parseChartSource,
        (name) =>
            name in PLATFORM_CHARTS
                ? `is not installed on ${cloud} (only on ${PLATFORM_CHARTS[name as keyof typeof PLATFORM_CHARTS].join(", ")})`
                : "is not a chart the platform installs",
    );

/**
 * A password the user brings. At least 16 characters; printable ASCII without spaces, quotes or
 * backslashes: it is written on a line of Redis's config file, whose parser ends a value at
 * whitespace and starts quoting at any quote (redis sds.c sdssplitargs, checked 2026-12-07), and
 * into the file Postgres's image reads the password from, where a newline would end it. No
 * message quotes the value.
 */
const PASSWORD: Kind<string> = {
    type: "16+ printable ASCII characters without spaces, quotes or backslashes",
    parse(raw) {
        if (raw.length < 16) return { problem: `is ${raw.length} characters long; expected at least 16` };
        if (!/^[!#-&(-[\]-~]+$/.test(raw)) {
            return { problem: "contains a space, quote, backslash, control or non-ASCII character; expected printable ASCII without them (the value goes on a line of Redis's config file and into Postgres's password file)" };
        }
        return { value: raw };
    },
};

const nodeSizeKind = (cloud: Cloud): Kind<string> =>
    cloud === "local" ? text(/.*/, "") : text(NODE_SIZE[cloud].pattern, NODE_SIZE[cloud].expected);

/** The customer-managed key each cloud's Secrets encryption takes. */
export const SECRETS_KMS_KEY: { [c in "aws" | "gcp"]: { pattern: RegExp; what: string } } = {
    // EKS encryptionConfig takes a symmetric key's ARN in the cluster's region (EKS user guide, enable-kms, checked 2026-12-07).
    aws: { pattern: /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]{36}$/, what: "a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    // GKE databaseEncryption.keyName: projects/P/locations/L/keyRings/R/cryptoKeys/K (GKE encrypting-secrets, checked 2026-12-07).
    gcp: { pattern: /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/, what: "a Cloud KMS key such as projects/my-project/locations/europe-west1/keyRings/platform/cryptoKeys/secrets" },
};

const secretsKmsKeyKind = (cloud: Cloud): Kind<string> =>
    cloud === "aws" || cloud === "gcp" ? text(SECRETS_KMS_KEY[cloud].pattern, SECRETS_KMS_KEY[cloud].what, "key id") : text(/.*/, "");

/** Defaults a baseline would choose: nights at the weekend, long enough for a surge upgrade of a small pool. */
const GKE_DEFAULT_WINDOW: MaintenanceWindow = { days: ["SA", "SU"], start: "01:00", hours: 6 };
const AKS_DEFAULT_WINDOW: MaintenanceWindow = { days: ["SU"], start: "01:00", hours: 8 };

const principalsKind = (cloud: Cloud): Kind<string[]> =>
    cloud === "local"
        ? list("principals", /.*/)
        : list("principals", (v) => (PRINCIPAL[cloud].pattern.test(v) ? undefined : `is not ${PRINCIPAL[cloud].what}`));

/**
 * Who may be named on a local cluster: Kubernetes user and group names as the cluster's
 * authenticator (client certificates, a static token file, an OIDC issuer) reports them.
 */
export const LOCAL_PRINCIPAL = { pattern: /^(user|group):[A-Za-z0-9@._:+-]+$/, what: "a Kubernetes user or group such as user:ana or group:shop-devs" } as const;

/** Editors of a team: the cloud's principals (as `clusterAdmins`), or a local cluster's user and group names. */
const teamsKeyKind = (cloud: Cloud): Kind<TeamConfig[]> => {
    const principal = cloud === "local" ? LOCAL_PRINCIPAL : PRINCIPAL[cloud];
    return teamsKind("principals", (v) => (principal.pattern.test(v) ? undefined : `is not ${principal.what}`));
};

const retentionKind = (cloud: Cloud): Kind<number> =>
    cloud === "azure"
        ? integer(LOG_ANALYTICS_RETENTION.min, LOG_ANALYTICS_RETENTION.max)
        : integerOf(CLOUDWATCH_RETENTION_DAYS, "a CloudWatch retention (1, 3, 5, 7, 14, 30, … 3653)");

/** A backup schedule: one space between fields, so a re-typed schedule does not show up as a change. */
const CRON_SCHEDULE: Kind<string> = {
    type: "five-field cron in UTC (`minute hour day-of-month month day-of-week`; day of week 0–6 or `SUN`–`SAT`), or `none`",
    parse: (raw) => {
        const value = raw.split(/\s+/).join(" ");
        const problem = value === "none" ? undefined : validateCronSchedule(value);
        return problem === undefined ? { value } : { problem: `${problem}, or none to turn the backup off` };
    },
};

// ---- the keys --------------------------------------------------------------------------------

export const KEYS = {
    cloud: key({
        namespace: "platform",
        at: "cloud",
        clouds: ALL,
        kind: oneOf(CLOUDS),
        default: { required: "" },
        defaultDoc: "**required**",
        doc: "where the platform runs",
    }),
    // Cluster
    ingressController: key({
        namespace: "platform",
        at: "ingress.controller",
        clouds: ALL,
        kind: oneOf(INGRESS_CONTROLLERS),
        default: { compute: (c) => defaultIngressController(c.raw("kubernetesVersion")) },
        defaultDoc: "`nginx` (`gateway` when kubernetesVersion is 1.36 or later)",
        doc: "the entry point: ingress-nginx, a Gateway API implementation (Envoy Gateway), or `both` while migrating (two load balancers); `nginx` needs Kubernetes 1.35 or older",
    }),
    kubernetesVersion: key({
        namespace: "platform",
        at: "cluster.kubernetesVersion",
        clouds: MANAGED,
        kind: text(/^1\.[0-9]+$/, "MAJOR.MINOR such as 1.35", "`MAJOR.MINOR`"),
        default: {
            compute: (c) =>
                c.cloud === "local" ? "" : defaultKubernetesVersion(c.cloud, c.string("ingressController") as IngressController),
        },
        defaultDoc: "the newest minor in the cloud's standard support that the ingress controller supports (see [Kubernetes versions](#kubernetes-versions))",
        doc: "control-plane minor; refused when the cloud no longer creates it, or when it exists only in extended / long-term support and extendedSupport is false",
    }),
    extendedSupport: key({
        namespace: "platform",
        at: "cluster.extendedSupport",
        clouds: ["aws", "azure"],
        kind: boolean,
        // GKE has no such key: the EXTENDED release channel is the same choice there.
        default: { compute: (c) => c.cloud === "gcp" && c.string("releaseChannel") === "EXTENDED" },
        defaultDoc: "`false`",
        doc: "accept a minor that exists only in paid support: EKS extended support ($0.60/h instead of $0.10/h), AKS long-term support (Premium tier); on gcp use releaseChannel EXTENDED",
    }),
    nodeMode: key({
        namespace: "platform",
        at: "cluster.nodeMode",
        clouds: MANAGED,
        kind: oneOf(NODE_MODES),
        default: { value: "managed" },
        doc: "`managed`: the platform's autoscaled node pools; `auto`: the cloud provisions nodes (EKS Auto Mode, GKE Autopilot, AKS node auto-provisioning), and nodeSize/minNodes/maxNodes are refused; on aws a running cluster refuses the switch either way",
    }),
    nodeSize: key({
        namespace: "platform",
        at: "cluster.nodeSize",
        clouds: MANAGED,
        kind: nodeSizeKind,
        default: { compute: (c) => (c.cloud === "local" ? "" : NODE_SIZE[c.cloud].example) },
        defaultDoc: "`m6i.large` / `e2-standard-4` / `Standard_D4s_v5`",
        doc: "worker instance type / machine type / VM size; GKE families that take only Hyperdisk (N4, C4, C4A, C4D, C3 metal, M4, H4D, …) are refused because pd-ssd cannot attach, and AWS `a1` because @pulumi/eks gives it an x86 AMI",
    }),
    minNodes: key({
        namespace: "platform",
        at: "cluster.minNodes",
        clouds: MANAGED,
        kind: integer(1, 100),
        default: { value: 2 },
        doc: "autoscaling minimum (total nodes); GKE starts each of its 3 zones with ceil(minNodes/3) nodes (at least 1, at most floor(maxNodes/3)): 2 starts as 3 nodes; 4 as 6 when maxNodes ≥ 6, else as 3 (the default maxNodes 5), below minNodes at creation",
    }),
    maxNodes: key({
        namespace: "platform",
        at: "cluster.maxNodes",
        clouds: MANAGED,
        kind: integer(1, 100),
        default: { compute: (c) => Math.max(5, c.number("minNodes"), c.cloud === "aws" ? awsZoneCount(c) : 0, c.cloud === "gcp" ? GKE_DEFAULT_ZONES : 0) },
        defaultDoc: "`5`, or minNodes or the zone count if larger",
        doc: "autoscaling maximum (total nodes); ≥ minNodes, and on aws and gcp ≥ the zone count (every zone holds a node)",
    }),
    apiAllowedCidrs: key({
        namespace: "platform",
        at: "cluster.apiAllowedCidrs",
        clouds: MANAGED,
        kind: list("IPv4 CIDRs", ipv4CidrProblem),
        default: { unset: true },
        defaultDoc: "unset: open to the internet (every preview warns)",
        doc: "who may reach the Kubernetes API endpoint: EKS publicAccessCidrs, GKE master authorized networks, AKS authorized IP ranges; include where Pulumi runs (CI)",
    }),
    secretsKmsKey: key({
        namespace: "platform",
        at: "cluster.secretsKmsKey",
        // AKS (Key Vault KMS with its own identity and key access) is not built yet: refused there until it is.
        clouds: ["aws", "gcp"],
        kind: secretsKmsKeyKind,
        default: { unset: true },
        defaultDoc: "unset: Secrets encrypted at rest with the cloud's own keys",
        doc: "customer-managed key for envelope encryption of Kubernetes Secrets: a KMS key ARN (EKS; can be added to a running cluster, never changed or removed), a Cloud KMS crypto key in gcp:region (GKE)",
    }),
    maintenanceWindow: key({
        namespace: "platform",
        at: "cluster.maintenanceWindow",
        clouds: ["gcp", "azure"],
        kind: maintenanceWindowKind,
        default: { compute: (c) => (c.cloud === "azure" ? AKS_DEFAULT_WINDOW : GKE_DEFAULT_WINDOW) },
        defaultDoc: "`SA,SU 01:00 6h` / `SU 01:00 8h`",
        doc: "weekly UTC window in which the cloud may upgrade the control plane and nodes (GKE: days × hours ≥ 12; AKS: one day, ≥ 4h)",
    }),
    clusterAdmins: key({
        namespace: "platform",
        at: "cluster.clusterAdmins",
        clouds: MANAGED,
        kind: principalsKind,
        default: { value: [] },
        defaultDoc: "none (the deployer only)",
        doc: "cluster-admin besides the deployer: IAM role/user ARNs (aws), `user:`/`group:`/`serviceAccount:` members (gcp), Entra object ids (azure)",
    }),
    clusterReaders: key({
        namespace: "platform",
        at: "cluster.clusterReaders",
        clouds: MANAGED,
        kind: principalsKind,
        default: { value: [] },
        defaultDoc: "none",
        doc: "read-only cluster access (the preview identity, auditors); same formats as clusterAdmins",
    }),
    observability: key({
        namespace: "platform",
        at: "cluster.observability",
        clouds: MANAGED,
        kind: oneOf(OBSERVABILITY),
        // A local cluster has no cloud logs to turn on.
        default: { compute: (c) => (c.cloud === "local" ? "none" : "native") },
        defaultDoc: "`native`",
        doc: "the cloud's own logs and metrics (CloudWatch Container Insights, Cloud Logging + Managed Prometheus, Azure Monitor), or `none`",
    }),
    logRetentionDays: key({
        namespace: "platform",
        at: "cluster.logRetentionDays",
        clouds: ["aws", "azure"],
        kind: retentionKind,
        default: { value: 30 },
        doc: "days to keep logs: aws one of CloudWatch's periods (1 … 3653; never 0, which keeps forever); azure the Log Analytics range 30–730",
    }),

    // AWS
    "aws:region": key({ namespace: "aws", at: "aws.region", clouds: ["aws"], kind: text(/.+/, "an AWS region"), default: { required: "for platform:cloud aws" }, defaultDoc: "**required on aws**", doc: "AWS region of the cluster" }),
    availabilityZones: key({ namespace: "platform", at: "aws.availabilityZones", clouds: ["aws"], kind: integer(2, 6), default: { value: 3 }, doc: "AZs of a new VPC" }),
    vpcCidr: key({
        namespace: "platform",
        at: "aws.vpcCidr",
        clouds: ["aws"],
        kind: checked("IPv4 CIDR /16–/24", (v) => (vpcCidrValid(v) ? undefined : `"${v}" is not valid; expected an IPv4 CIDR from /16 to /24 such as 10.0.0.0/16`)),
        default: { value: "10.0.0.0/16" },
        doc: "CIDR of a new VPC; must leave each zone's public subnet /28 or larger",
    }),
    vpcId: key({ namespace: "platform", at: "aws.existingVpc.vpcId", clouds: ["aws"], kind: text(/^vpc-[0-9a-f]{8,17}$/, "a VPC id such as vpc-0abc1234", "VPC id"), default: { unset: true }, defaultDoc: "unset (a VPC is created)", doc: "use an existing VPC; needs publicSubnetIds and privateSubnetIds too" }),
    publicSubnetIds: key({ namespace: "platform", at: "aws.existingVpc.publicSubnetIds", clouds: ["aws"], kind: list("subnet ids", SUBNET_ID), default: { unset: true }, defaultDoc: "unset", doc: "public subnets of the existing VPC (the load balancer's)" }),
    privateSubnetIds: key({
        namespace: "platform",
        at: "aws.existingVpc.privateSubnetIds",
        clouds: ["aws"],
        kind: list("subnet ids", SUBNET_ID),
        default: { unset: true },
        defaultDoc: "unset",
        doc: "private subnets of the existing VPC, one per zone, at least 2: their count is the zone count (one node group each)",
    }),
    natGateways: key({
        namespace: "platform",
        at: "aws.natGateways",
        clouds: ["aws"],
        kind: oneOf(["single", "perZone"] as const),
        default: { value: "single" },
        doc: "NAT gateways of a new VPC: `single` (one Elastic IP; every zone's egress goes through the first zone) or `perZone` (a zone outage cuts no other zone off; one Elastic IP per zone). AWS's default quota is 5 Elastic IPs per region",
    }),
    staticIngressAddresses: key({
        namespace: "platform",
        at: "aws.staticIngressAddresses",
        clouds: ["aws"],
        kind: boolean,
        default: { value: true },
        doc: "one Elastic IP per public subnet on the ingress NLB (stable A records, kept across a re-created Service); false: the NLB's own addresses (point DNS at its name)",
    }),
    eksClusterName: key({
        namespace: "platform",
        at: "aws.clusterName",
        clouds: ["aws"],
        kind: text(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, "an EKS cluster name (letters, digits, - and _, up to 100)", "EKS cluster name"),
        default: { unset: true },
        defaultDoc: "unset: `<project>-<stack>`",
        doc: "the physical EKS cluster name; set it to the running cluster's name on a stack whose cluster was auto-named (the preview says which), since a new name replaces the cluster",
    }),
    forceUpgrade: key({
        namespace: "platform",
        at: "aws.forceUpgrade",
        clouds: ["aws"],
        kind: boolean,
        default: { value: false },
        doc: "let a kubernetesVersion bump override EKS's upgrade-blocking insights (forceUpdateVersion); set it for that one update after reading `aws eks list-insights`, then unset it",
    }),
    efsBackups: key({
        namespace: "platform",
        at: "aws.efsBackups",
        clouds: ["aws"],
        kind: boolean,
        default: { value: true },
        doc: "AWS Backup's daily backups of the shared EFS file system (35 days kept, billed per GB); false turns them off",
    }),
    registryKeepImages: key({
        namespace: "platform",
        at: "aws.registryKeepImages",
        clouds: ["aws"],
        kind: integer(1, 1000),
        default: { value: 30 },
        doc: "ECR keeps this many newest tagged images and expires older ones (untagged ones after 7 days)",
    }),

    // GKE
    "gcp:project": key({ namespace: "gcp", at: "gcp.project", clouds: ["gcp"], kind: text(/.+/, "a project id"), default: { required: "for platform:cloud gcp" }, defaultDoc: "**required on gcp**", doc: "Google Cloud project" }),
    "gcp:region": key({
        namespace: "gcp",
        at: "gcp.region",
        clouds: ["gcp"],
        kind: text(/.+/, "a region"),
        default: { required: "for platform:cloud gcp (the cluster is regional)" },
        defaultDoc: "**required on gcp**",
        doc: "region (the cluster is regional)",
    }),
    releaseChannel: key({ namespace: "platform", at: "gcp.releaseChannel", clouds: ["gcp"], kind: oneOf(GKE_RELEASE_CHANNELS), default: { value: "REGULAR" }, doc: "GKE release channel (`EXTENDED` admits extended-support minors)" }),
    deletionProtection: key({
        namespace: "platform",
        at: "gcp.deletionProtection",
        clouds: ["gcp"],
        kind: boolean,
        default: { value: true },
        doc: "GKE deletion protection, also Pulumi `protect` on the cluster: `pulumi destroy` refuses before deleting anything while true",
    }),
    // GKE sees a user's Google Groups only through Google Groups for RBAC: authenticatorGroupsConfig
    // names the domain's `gke-security-groups@` group, and the groups bound in RBAC must be its
    // members (GKE "Configure Google Groups for RBAC", checked 2026-12-07).
    gkeSecurityGroup: key({
        namespace: "platform",
        at: "gcp.securityGroup",
        clouds: ["gcp"],
        kind: text(/^gke-security-groups@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[a-z]{2,}$/, "the group gke-security-groups@<your domain>", "Google group"),
        default: { unset: true },
        defaultDoc: "unset: `group:` members in clusterAdmins/clusterReaders are refused",
        doc: "Google Groups for RBAC: `gke-security-groups@<domain>`, whose member groups may then be named as `group:` in clusterAdmins/clusterReaders",
    }),

    // AKS
    "azure-native:location": key({
        namespace: "azure-native",
        at: "azure.location",
        clouds: ["azure"],
        kind: text(/.+/, "an Azure region"),
        default: { required: "for platform:cloud azure" },
        defaultDoc: "**required on azure**",
        doc: "Azure region",
    }),

    upgradeChannel: key({
        namespace: "platform",
        at: "azure.upgradeChannel",
        clouds: ["azure"],
        kind: oneOf(AKS_UPGRADE_CHANNELS),
        default: { value: "patch" },
        doc: "cluster auto-upgrade channel; `patch` keeps the configured minor (`stable`/`rapid` move the cluster to newer minors by themselves)",
    }),
    nodeOsUpgradeChannel: key({
        namespace: "platform",
        at: "azure.nodeOsUpgradeChannel",
        clouds: ["azure"],
        kind: oneOf(AKS_NODE_OS_UPGRADE_CHANNELS),
        default: { value: "NodeImage" },
        doc: "node OS upgrade channel (must be `NodeImage` with upgradeChannel `node-image`)",
    }),
    zones: key({
        namespace: "platform",
        at: "azure.zones",
        clouds: ["azure"],
        kind: list("zone names (1, 2, 3)", (v) => (/^[1-9]$/.test(v) ? undefined : "is not an availability zone number such as 1"), { allowEmpty: true }),
        default: { value: ["1", "2", "3"] },
        doc: "availability zones of the node pools; `[]` for a region without zones. With zones disks are ZRS (StandardSSD_ZRS / Premium_ZRS), without them LRS",
    }),
    dataResourceGroup: key({
        namespace: "platform",
        at: "azure.dataResourceGroup",
        clouds: ["azure"],
        kind: text(/^[-\w._()]{0,89}[-\w()]$/, "an Azure resource group name (letters, digits, - _ . ( ), not ending in .)", "resource group name"),
        default: { unset: true },
        defaultDoc: "unset: the stack creates its own (`platform-data-rg-…`)",
        doc: "an existing data resource group to use instead of creating one, e.g. the one a destroyed stack left with its Retain disks; the stack reads it and never deletes it. Only for a stack that has no data group yet",
    }),
    imageCleaner: key({
        namespace: "platform",
        at: "azure.imageCleaner",
        clouds: ["azure"],
        kind: boolean,
        default: { value: true },
        doc: "AKS image cleaner: removes unused images with known vulnerabilities from the nodes every 7 days (no charge)",
    }),
    azurePolicy: key({
        namespace: "platform",
        at: "azure.azurePolicy",
        clouds: ["azure"],
        kind: boolean,
        default: { value: false },
        doc: "Azure Policy add-on (Gatekeeper): enforces the policy assignments you make on the cluster's scope; adds its pods to the system pool (no charge for AKS)",
    }),
    defenderForContainers: key({
        namespace: "platform",
        at: "azure.defenderForContainers",
        clouds: ["azure"],
        kind: boolean,
        default: { value: false },
        doc: "Microsoft Defender for Containers sensor (runtime threat detection) reporting to the stack's Log Analytics workspace; billed per vCore by the subscription's Defender plan (docs/costs.md)",
    }),

    // Local
    kubeContext: key({
        namespace: "platform",
        at: "local.kubeContext",
        clouds: ["local"],
        kind: text(/^[A-Za-z0-9@_.:/-]+$/, "a kubeconfig context name such as kind-kind, minikube or docker-desktop"),
        default: { value: "kind-kind" },
        doc: "kubeconfig context to deploy to (never the ambient current context)",
    }),
    kubeconfigPath: key({ namespace: "platform", at: "local.kubeconfigPath", clouds: ["local"], kind: text(/.+/, "a path", "path"), default: { unset: true }, defaultDoc: "the client's default lookup", doc: "kubeconfig file" }),
    localStorageProvisioner: key({
        namespace: "platform",
        at: "local.storageProvisioner",
        clouds: ["local"],
        kind: text(PROVISIONER, "a provisioner name such as rancher.io/local-path (kind), k8s.io/minikube-hostpath (minikube) or docker.io/hostpath (Docker Desktop)", "provisioner name"),
        default: { value: "rancher.io/local-path" },
        doc: "provisioner behind the platform's block classes",
    }),
    postgresBackupS3Endpoint: key({
        namespace: "platform",
        at: "local.backupStore.endpoint",
        clouds: ["local"],
        kind: checked("URL (`http(s)://host[:port]`)", s3EndpointProblem),
        default: { unset: true },
        defaultDoc: "unset: backups stay on the backups volume only",
        doc: "an S3-compatible object store the backup job uploads each set to (MinIO, Ceph, a cloud's S3 API); needs postgresBackupS3Bucket and both keys",
    }),
    postgresBackupS3Bucket: key({
        namespace: "platform",
        at: "local.backupStore.bucket",
        clouds: ["local"],
        kind: text(S3_BUCKET, "an S3 bucket name (3-63 lower-case letters, digits, . and -) such as platform-backups", "bucket name"),
        default: { unset: true },
        defaultDoc: "unset",
        doc: "the bucket at postgresBackupS3Endpoint (it must exist: the job's key need not create or list buckets)",
    }),
    postgresBackupS3AccessKeyId: key({
        namespace: "platform",
        at: "local.backupStore.accessKeyId",
        clouds: ["local"],
        kind: s3Credential(3, 128),
        secret: true,
        default: { unset: true },
        defaultDoc: "unset",
        doc: "the access key id the backup job uploads with (reaches the pod as a mounted file); give it write rights on the bucket only",
    }),
    postgresBackupS3SecretAccessKey: key({
        namespace: "platform",
        at: "local.backupStore.secretAccessKey",
        clouds: ["local"],
        kind: s3Credential(8, 256),
        secret: true,
        default: { unset: true },
        defaultDoc: "unset",
        doc: "its secret access key (a mounted file, never an env value)",
    }),
    localSharedProvisioner: key({
        namespace: "platform",
        at: "local.sharedProvisioner",
        clouds: ["local"],
        kind: text(PROVISIONER, "a provisioner name such as nfs.csi.k8s.io", "provisioner name"),
        default: { unset: true },
        defaultDoc: "unset: no shared class (`storageClasses.shared` is `none`)",
        doc: "a ReadWriteMany provisioner the cluster already runs, for `platform-shared`",
    }),
    localEndpoint: key({
        namespace: "platform",
        at: "local.endpoint",
        clouds: ["local"],
        kind: text(/^(localhost|(\d{1,3}\.){3}\d{1,3}|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/, "a host name or IPv4 address such as localhost or 192.168.49.2", "host"),
        default: { value: "localhost" },
        doc: "the host the NodePorts are reached on, for the outputs (`minikube ip` on minikube)",
    }),

    // Entry point and TLS
    domain: key({
        namespace: "platform",
        at: "tls.domain",
        clouds: ALL,
        kind: text(DNS_NAME, "a lower-case DNS name such as app.example.com", "DNS name"),
        default: { unset: true },
        defaultDoc: "unset: path routing on the load balancer address",
        doc: "public host name for host routing and TLS",
    }),
    acmeEmail: key({
        namespace: "platform",
        at: "tls.acmeEmail",
        clouds: ALL,
        kind: text(EMAIL, "an email address such as ops@example.com", "email"),
        default: { unset: true },
        defaultDoc: "unset: self-signed certificates",
        doc: "with domain, certificates come from Let's Encrypt (HTTP-01); needs domain",
    }),
    acmeServer: key({ namespace: "platform", at: "tls.acmeServer", clouds: ALL, kind: oneOf(ACME_SERVERS), default: { value: "production" }, doc: "Let's Encrypt directory" }),
    ingressReplicas: key({ namespace: "platform", at: "ingress.replicas", clouds: ALL, kind: integer(2, 20), default: { value: 2 }, doc: "replicas of the ingress controller / gateway data plane (≥ 2, so a drain never drops traffic)" }),

    // Storage and workloads
    storageTier: key({
        namespace: "platform",
        at: "storage.tier",
        clouds: ALL,
        kind: oneOf(STORAGE_TIERS),
        default: { value: "ssd" },
        doc: "`ssd`: gp3 / pd-ssd / StandardSSD (ZRS with zones); `premium`: io2 (≥ 4Gi volumes) / regional pd-ssd (≥ 10Gi) / Premium_ZRS",
    }),
    appReplicas: key({ namespace: "platform", at: "workloads.appReplicas", clouds: ALL, kind: integer(1, 100), default: { value: 2 }, doc: "visit-counter replicas (the HPA minimum)" }),
    appMaxReplicas: key({
        namespace: "platform",
        at: "workloads.appMaxReplicas",
        clouds: ALL,
        kind: integer(1, 500),
        default: { compute: (c) => Math.max(10, c.number("appReplicas")) },
        defaultDoc: "`10`, or appReplicas if larger",
        doc: "HPA maximum; ≥ appReplicas",
    }),
    postgresVersion: key({
        namespace: "platform",
        at: "workloads.postgresVersion",
        clouds: ALL,
        kind: text(
            POSTGRES_TAG,
            "a Debian-based postgres image tag from 14 up, optionally pinned by digest, such as 18.6-trixie@sha256:<64 hex digits> or 17.7-bookworm (Alpine tags run as another uid)",
            "postgres tag[@sha256:digest]",
        ),
        default: { value: DEFAULT_POSTGRES_VERSION },
        defaultDoc: "`18.6-trixie@sha256:86c951e0…`",
        doc: "postgres image tag (Debian-based, 14+), pinned by digest unless you accept that a tag is rebuilt in place; its major decides the volume layout",
    }),
    postgresStorageSize: key({
        namespace: "platform",
        at: "workloads.postgresStorageSize",
        clouds: ALL,
        kind: text(KUBERNETES_QUANTITY, "a size in Mi, Gi or Ti such as 20Gi", "size (Mi, Gi, Ti)"),
        default: { value: "20Gi" },
        doc: "Postgres volume (on `platform-retain`)",
    }),
    redisStorageSize: key({
        namespace: "platform",
        at: "workloads.redisStorageSize",
        clouds: ALL,
        kind: text(KUBERNETES_QUANTITY, "a size in Mi, Gi or Ti such as 5Gi", "size (Mi, Gi, Ti)"),
        default: { value: "5Gi" },
        doc: "Redis volume (on `platform-standard`)",
    }),
    protectData: key({
        namespace: "platform",
        at: "workloads.protectData",
        clouds: ALL,
        kind: boolean,
        default: { value: true },
        doc: "Pulumi refuses to delete or replace the stateful workloads and their claims (not their password Secrets, which a new password replaces); set false (and `pulumi up`) before a destroy meant to drop data",
    }),
    postgresClients: key({
        namespace: "platform",
        at: "workloads.postgresClients",
        clouds: ALL,
        kind: list("app names (the app.kubernetes.io/name label of the client pods)", LABEL_VALUE),
        default: { value: [] },
        defaultDoc: "none",
        doc: "pods allowed to reach Postgres, by `app.kubernetes.io/name` (admits only; an `App` that uses Postgres gets a database and role of its own, granted by the composition root)",
    }),
    postgresBackupSchedule: key({
        namespace: "platform",
        at: "workloads.postgresBackupSchedule",
        clouds: ALL,
        kind: CRON_SCHEDULE,
        default: { value: "0 3 * * *" },
        doc: "when the Postgres logical backup runs (see [Postgres backups](operations.md#postgres-backups)); `none`: no backup CronJob, no backups volume",
    }),
    postgresBackupKeep: key({ namespace: "platform", at: "workloads.postgresBackupKeep", clouds: ALL, kind: integer(1, 365), default: { value: 7 }, doc: "backup sets kept on the backups volume (the newest)" }),
    postgresBackupStorageSize: key({
        namespace: "platform",
        at: "workloads.postgresBackupStorageSize",
        clouds: ALL,
        kind: text(KUBERNETES_QUANTITY, "a size in Mi, Gi or Ti such as 20Gi", "size (Mi, Gi, Ti)"),
        default: { unset: true },
        defaultDoc: "unset: the claim is made at postgresStorageSize and keeps its size",
        doc: "the backups volume (on `platform-retain`), which holds the newest postgresBackupKeep dumps; raising it grows the live claim once a backup has run (a claim never shrinks)",
    }),
    postgresBackupRetentionDays: key({
        namespace: "platform",
        at: "workloads.postgresBackupRetentionDays",
        clouds: MANAGED,
        kind: integer(1, 3650),
        default: { compute: (c) => Math.max(30, c.number("postgresBackupKeep")) },
        defaultDoc: "`30`, or postgresBackupKeep if larger",
        doc: "days each backup set stays in the stack's object store (current and older versions; with postgresBackupObjectLock, the lock period) ([backups off the cluster](operations.md#backups-off-the-cluster))",
    }),
    postgresBackupObjectLock: key({
        namespace: "platform",
        at: "workloads.postgresBackupObjectLock",
        clouds: MANAGED,
        kind: boolean,
        default: { value: false },
        doc: "immutable backups: a set cannot be deleted or overwritten before postgresBackupRetentionDays (S3 Object Lock in governance mode, an unlocked GCS retention policy, an unlocked Azure container immutability policy: only a principal allowed to lift the lock can); turned on or off in place, never replacing the store; see [object lock](operations.md#object-lock)",
    }),
    postgresPassword: key({
        namespace: "platform",
        at: "workloads.postgresPassword",
        clouds: ALL,
        kind: PASSWORD,
        secret: true,
        default: { unset: true },
        defaultDoc: "unset: generated (random provider) and kept in the stack's state",
        doc: "the Postgres superuser password; changing it restarts Postgres, which sets the stored password to it before accepting connections",
    }),
    redisPassword: key({
        namespace: "platform",
        at: "workloads.redisPassword",
        clouds: ALL,
        kind: PASSWORD,
        secret: true,
        default: { unset: true },
        defaultDoc: "unset: generated (random provider) and kept in the stack's state",
        doc: "the Redis password; changing it restarts Redis and the visit counter",
    }),
    appImage: key({
        namespace: "platform",
        at: "workloads.appImage",
        clouds: ALL,
        kind: checked("image reference pinned by digest (`registry/repo@sha256:…`)", appImageProblem),
        default: { unset: true },
        defaultDoc: "unset: app/ is built and pushed to the cluster's registry",
        doc: "run a prebuilt visit-counter image instead of building app/; pinned by digest (a tag alone is refused: tags move)",
    }),

    teams: key({
        namespace: "platform",
        at: "teams",
        clouds: ALL,
        kind: teamsKeyKind,
        default: { value: [] },
        defaultDoc: "none",
        doc: "application teams, each a namespace of its own (see [Add your service](add-your-service.md)): `name` (a DNS label, not a platform namespace), `editors` given `edit` there (clusterAdmins' formats; local: `user:<name>`/`group:<name>`), `quota` (`cpu` 2, `memory` 4Gi, `storage` 20Gi, `pods` 30, `services` 10, `persistentVolumeClaims` 5 when left out), `postgres` (`true`: a database of the team's own in the platform's Postgres; default false)",
    }),

    // Delivery
    chartSources: key({
        namespace: "platform",
        at: "chartSources",
        clouds: ALL,
        kind: chartSourcesKind,
        default: { value: {} },
        defaultDoc: "`{}`: each chart's public repository",
        doc: "install charts from a mirror: `{\"cert-manager\": \"oci://registry.example.com/charts/cert-manager\"}`; names: ingress-nginx, cert-manager, envoy-gateway, envoy-gateway-crds, cluster-autoscaler (aws); the pinned versions stay",
    }),
    preflight: key({
        namespace: "platform",
        at: "preflight",
        clouds: ALL,
        kind: oneOf(PREFLIGHT_MODES),
        default: { value: "on" },
        doc: "read-only account checks before anything is registered: `on` fails the preview on a problem, `warn` prints it as a warning, `off` skips the checks",
    }),
} as const;

export type KeyName = keyof typeof KEYS;
/** The type a key's kind yields. */
export type KindValue<D> = D extends KeyDecl<infer T> ? T : never;
/** Whether a key may be left unset (its value is then undefined). */
export type MayBeUnset<D> = D extends { default: { unset: true } } ? true : false;
type ValueOf<D> = MayBeUnset<D> extends true ? KindValue<D> | undefined : KindValue<D>;
/** Every key's value after validation and defaults, secrets as plain text (for rules; never placed as is). */
export type Values = { -readonly [K in KeyName]: ValueOf<(typeof KEYS)[K]> };

/** GKE spreads a regional cluster's nodes over 3 zones unless told otherwise. */
export const GKE_DEFAULT_ZONES = 3;

/** One managed node group per zone (components/aws/cluster.ts): the private subnets given, or the AZs. */
function awsZoneCount(c: DefaultContext): number {
    return c.list("privateSubnetIds")?.length ?? c.number("availabilityZones");
}

/** The full `namespace:key` name of a key. */
export function fullName(name: KeyName): string {
    return name.includes(":") ? name : `platform:${name}`;
}
