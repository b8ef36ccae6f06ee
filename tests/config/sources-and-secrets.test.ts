/**
 * Keys that say where things come from and what the user brings: a prebuilt app image, chart
 * mirrors, the Postgres and Redis passwords (secrets), the backups volume size and the preflight
 * mode. Nothing reads them yet beyond `PlatformConfig`; these tests pin how each is validated and
 * where it lands.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type PlatformConfig, mapConfigSource, pulumiConfigSource, readConfig } from "../../config";
import { appImageProblem, parseChartSource } from "../../config/keys";
import { projectDefaults } from "../harness/project-files";
import { AWS, AZURE, GCP, LOCAL, problems, read } from "./fixtures";

const ALL = { aws: AWS, gcp: GCP, azure: AZURE, local: LOCAL };
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const GOOD_PASSWORD = "s3cret-Pa55word!#%&()*+,-./:;<=>?@[]^_{|}~";

/** Reads with the named `namespace:key`s marked secret, as `pulumi config set --secret` leaves them. */
function readSecret(values: Record<string, string>, secrets: string[]): PlatformConfig {
    return readConfig(mapConfigSource({ ...projectDefaults(), ...values }, { secrets }));
}

function secretProblems(values: Record<string, string>, secrets: string[]): string[] {
    try {
        readSecret(values, secrets);
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

const unwrap = (o: pulumi.Output<string>): Promise<string> => new Promise((resolve) => o.apply((v) => resolve(v)));

describe("config: sources and secrets", () => {
    describe("platform:appImage", () => {
        it("takes an image pinned by digest, with or without a tag, on every cloud; unset builds app/", () => {
            for (const image of [
                `registry.example.com/team/visit-counter@${DIGEST}`,
                `123456789012.dkr.ecr.eu-west-1.amazonaws.com/visit-counter:1.4.0@${DIGEST}`,
                `localhost:5000/visit-counter@${DIGEST}`,
            ]) {
                for (const base of Object.values(ALL)) assert.equal(read({ ...base, "platform:appImage": image }).workloads.appImage, image);
            }
            assert.equal(read(AWS).workloads.appImage, undefined);
        });

        it("refuses a tag alone, saying tags move and to pin the digest", () => {
            assert.deepEqual(problems({ ...GCP, "platform:appImage": "europe-docker.pkg.dev/p/apps/visit-counter:1.4.0" }), [
                'platform:appImage: "europe-docker.pkg.dev/p/apps/visit-counter:1.4.0" names a tag only; tags move, so the same config could run another image tomorrow: pin the digest, e.g. europe-docker.pkg.dev/p/apps/visit-counter@sha256:<64 hex digits> (docker buildx imagetools inspect europe-docker.pkg.dev/p/apps/visit-counter:1.4.0 prints it)',
            ]);
            assert.match(appImageProblem("registry.example.com/visit-counter") ?? "", /names a tag only; tags move/);
        });

        it("refuses a malformed digest and what is no image reference", () => {
            assert.match(appImageProblem(`registry.example.com/app@sha256:${"A".repeat(64)}`) ?? "", /has a malformed digest .*expected sha256: and 64 lower-case hex digits/);
            assert.match(appImageProblem("registry.example.com/app@sha256:abc") ?? "", /malformed digest/);
            assert.match(appImageProblem(`registry.example.com/App@${DIGEST}`) ?? "", /is not an image reference/);
            assert.match(appImageProblem(`https://registry.example.com/app@${DIGEST}`) ?? "", /is not an image reference/);
        });
    });

    describe("platform:chartSources", () => {
        it("defaults to {} (every chart from its public repository) on every cloud", () => {
            for (const base of Object.values(ALL)) assert.deepEqual(read(base).chartSources, {});
        });

        it("takes a Helm repository, an OCI chart or a directory per chart, typed by kind", () => {
            const c = read({
                ...AWS,
                "platform:chartSources": JSON.stringify({
                    "cert-manager": "https://charts.example.com/jetstack",
                    "envoy-gateway": "oci://registry.example.com:5000/charts/gateway-helm",
                    "envoy-gateway-crds": "./vendor/charts/gateway-crds-helm",
                    "ingress-nginx": "/srv/charts/ingress-nginx",
                    "cluster-autoscaler": "../mirror/cluster-autoscaler",
                }),
            });
            assert.deepEqual(c.chartSources, {
                "cert-manager": { kind: "repository", url: "https://charts.example.com/jetstack" },
                "envoy-gateway": { kind: "oci", chart: "oci://registry.example.com:5000/charts/gateway-helm" },
                "envoy-gateway-crds": { kind: "directory", path: "./vendor/charts/gateway-crds-helm" },
                "ingress-nginx": { kind: "directory", path: "/srv/charts/ingress-nginx" },
                "cluster-autoscaler": { kind: "directory", path: "../mirror/cluster-autoscaler" },
            });
        });

        it("refuses an unknown chart name, naming the key, the name and the charts allowed", () => {
            assert.deepEqual(problems({ ...AZURE, "platform:chartSources": '{"nginx":"oci://registry.example.com/charts/nginx"}' }), [
                'platform:chartSources: {"nginx":"oci://registry.example.com/charts/nginx"} is not valid: "nginx" is not a chart the platform installs; expected a JSON object from chart name (ingress-nginx, cert-manager, envoy-gateway, envoy-gateway-crds) to source (https:// repository, oci:// chart, or directory)',
            ]);
        });

        it("refuses cluster-autoscaler where the platform does not install it (every cloud but aws)", () => {
            for (const base of [GCP, AZURE, LOCAL]) {
                assert.match(
                    problems({ ...base, "platform:chartSources": '{"cluster-autoscaler":"oci://registry.example.com/charts/cluster-autoscaler"}' })[0],
                    /^platform:chartSources: .* "cluster-autoscaler" is not installed on (gcp|azure|local) \(only on aws\)/,
                );
            }
        });

        it("refuses plain http, other schemes, credentials, OCI tags, bare words, non-text values and non-objects", () => {
            const bad = (source: string): string => {
                const p = parseChartSource(source);
                return "problem" in p ? p.problem : assert.fail(`${source} was accepted`);
            };
            assert.match(bad("http://charts.example.com"), /uses a scheme the platform does not fetch charts over/);
            assert.match(bad("s3://bucket/charts"), /uses a scheme/);
            assert.match(bad("https://ana:hunter2@charts.example.com"), /carries credentials/);
            assert.match(bad("oci://registry.example.com/charts/cert-manager:v1.21.2"), /names a tag or digest; the platform pins the chart version/);
            assert.match(bad(`oci://registry.example.com/charts/cert-manager@${DIGEST}`), /names a tag or digest/);
            assert.match(bad("oci://Registry Example/x"), /is not an OCI chart reference/);
            assert.match(bad("jetstack/cert-manager"), /expected an https:\/\/ Helm repository URL, an oci:\/\/ chart reference, or a directory path starting with \/, \.\/ or \.\.\//);
            assert.match(problems({ ...AWS, "platform:chartSources": '{"cert-manager":42}' })[0], /"cert-manager" is not given as text/);
            assert.match(problems({ ...AWS, "platform:chartSources": '["cert-manager"]' })[0], /is not valid; expected a JSON object from chart name/);
            assert.match(problems({ ...AWS, "platform:chartSources": "oci://registry.example.com/charts" })[0], /is not valid; expected a JSON object/);
        });
    });

    describe("platform:postgresPassword and platform:redisPassword", () => {
        const keys = ["platform:postgresPassword", "platform:redisPassword"];

        it("reach PlatformConfig as secret Outputs holding the value; unset means generated", async () => {
            for (const base of Object.values(ALL)) {
                const c = readSecret({ ...base, "platform:postgresPassword": GOOD_PASSWORD, "platform:redisPassword": `r-${GOOD_PASSWORD}` }, keys);
                const { postgresPassword, redisPassword } = c.workloads;
                assert.ok(postgresPassword && redisPassword);
                assert.equal(await pulumi.isSecret(postgresPassword), true);
                assert.equal(await pulumi.isSecret(redisPassword), true);
                assert.equal(await unwrap(postgresPassword), GOOD_PASSWORD);
                assert.equal(await unwrap(redisPassword), `r-${GOOD_PASSWORD}`);
            }
            const generated = read(AWS);
            assert.equal(generated.workloads.postgresPassword, undefined);
            assert.equal(generated.workloads.redisPassword, undefined);
        });

        it("are refused in plain text, with the command that encrypts them, and never quoted", () => {
            const found = secretProblems({ ...AWS, "platform:redisPassword": GOOD_PASSWORD }, []);
            assert.deepEqual(found, [
                "platform:redisPassword: is stored in plain text in the stack's config; a credential must be encrypted. Set it with: pulumi config set --secret platform:redisPassword <value>",
            ]);
        });

        it("need 16 characters of printable ASCII without spaces, quotes or backslashes, and no message quotes the value", () => {
            const cases: [string, RegExp][] = [
                ["short-pass-15ch", /^platform:postgresPassword: is 15 characters long; expected at least 16$/],
                ["sixteen chars ok", /contains a space, quote, backslash, control or non-ASCII character/],
                ['sixteen-chars"ok', /contains a space, quote/],
                ["sixteen-chars'ok", /contains a space, quote/],
                ["sixteen-chars\\ok", /contains a space, quote/],
                ["sixteen-chars\tok", /contains a space, quote/],
                ["sixteen-chars-ök", /non-ASCII/],
                // Checked as it will be used: trimming would hide the newline the file would get.
                ["sixteen-chars-ok\n", /contains a space, quote/],
            ];
            for (const [value, expected] of cases) {
                const found = secretProblems({ ...GCP, "platform:postgresPassword": value }, ["platform:postgresPassword"]);
                assert.equal(found.length, 1, JSON.stringify(value));
                assert.match(found[0], expected);
                assert.ok(!found[0].includes(value.trim()), `the message quotes the value: ${found[0]}`);
            }
            assert.ok(readSecret({ ...GCP, "platform:postgresPassword": "exactly-16-chars" }, ["platform:postgresPassword"]).workloads.postgresPassword);
        });

        it("tell secrets from plain text through Pulumi's own config (pulumi config set --secret)", () => {
            try {
                pulumi.runtime.setAllConfig({ ...projectDefaults(), ...LOCAL, "platform:redisPassword": GOOD_PASSWORD }, ["platform:redisPassword"]);
                assert.ok(readConfig(pulumiConfigSource()).workloads.redisPassword);
                pulumi.runtime.setAllConfig({ ...projectDefaults(), ...LOCAL, "platform:redisPassword": GOOD_PASSWORD });
                assert.throws(() => readConfig(pulumiConfigSource()), /platform:redisPassword: is stored in plain text/);
            } finally {
                pulumi.runtime.setAllConfig({});
            }
        });
    });

    describe("platform:postgresBackupStorageSize", () => {
        it("is unset by default (the claim is made at the Postgres size and keeps it), and takes its own", () => {
            assert.equal(read(AWS).workloads.postgresBackupStorageSize, undefined);
            assert.equal(read({ ...AWS, "platform:postgresStorageSize": "50Gi" }).workloads.postgresBackupStorageSize, undefined);
            assert.equal(read({ ...AWS, "platform:postgresBackupStorageSize": "80Gi" }).workloads.postgresBackupStorageSize, "80Gi");
        });

        it("refuses a malformed size, and one below the premium disk's minimum while backups run", () => {
            assert.match(problems({ ...AWS, "platform:postgresBackupStorageSize": "20GB" })[0], /^platform:postgresBackupStorageSize: "20GB" is not valid; expected a size in Mi, Gi or Ti/);
            const premium = { ...GCP, "platform:storageTier": "premium", "platform:redisStorageSize": "10Gi" };
            assert.deepEqual(problems({ ...premium, "platform:postgresBackupStorageSize": "5Gi" }), [
                'platform:postgresBackupStorageSize: "5Gi" is below the 10Gi minimum of a regional pd-ssd disk (platform:storageTier premium on gcp); expected 10Gi or more',
            ]);
            assert.equal(read({ ...premium, "platform:postgresBackupStorageSize": "5Gi", "platform:postgresBackupSchedule": "none" }).storage.tier, "premium");
        });
    });

    describe("platform:preflight", () => {
        it("is on by default and takes on, warn or off", () => {
            for (const base of Object.values(ALL)) assert.equal(read(base).preflight, "on");
            for (const mode of ["on", "warn", "off"] as const) assert.equal(read({ ...AZURE, "platform:preflight": mode }).preflight, mode);
        });

        it("refuses anything else, naming the modes", () => {
            assert.deepEqual(problems({ ...AWS, "platform:preflight": "true" }), ['platform:preflight: "true" is not allowed; expected one of: on, warn, off']);
        });
    });
});
