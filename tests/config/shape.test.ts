/**
 * `PlatformConfig` is derived from the key declarations: each key's `at` places its value, its kind
 * types it, an unset-able key is optional and a secret is an `Output`. These tests hold the table to
 * what that derivation needs, and check that `readConfig` puts every value where the type says.
 */
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { CLOUDS, type Cloud, KEYS, type KeyName, type PlatformConfig, type WorkloadSettings } from "../../config";
import { type KeyDecl, SECTIONS } from "../../config/keys";
import { AWS, AZURE, GCP, LOCAL, read } from "./fixtures";

const NAMES = Object.keys(KEYS) as KeyName[];
const decl = (name: KeyName): KeyDecl<unknown> => KEYS[name] as KeyDecl<unknown>;
const isCloud = (s: string): s is Cloud => (CLOUDS as readonly string[]).includes(s);

/** The value at a dotted place of a config object, and whether every step exists. */
function at(config: PlatformConfig, place: string): { found: boolean; value: unknown } {
    let here: unknown = config;
    for (const step of place.split(".")) {
        if (typeof here !== "object" || here === null || !(step in here)) return { found: false, value: undefined };
        here = (here as Record<string, unknown>)[step];
    }
    return { found: true, value: here };
}

describe("config: PlatformConfig derives from the key declarations", () => {
    it("places every key once: top level, or in a known section, at most one group deep", () => {
        const places = NAMES.map((n) => decl(n).at);
        assert.equal(new Set(places).size, places.length, "two keys share a place");
        for (const name of NAMES) {
            const path = decl(name).at.split(".");
            assert.ok(path.length <= 3 && path.every((p) => /^[a-z][A-Za-z]*$/.test(p)), `${name}: at "${decl(name).at}"`);
            if (path.length > 1) assert.ok((SECTIONS as readonly string[]).includes(path[0]), `${name}: unknown section ${path[0]}`);
        }
    });

    it("puts a cloud's own keys in that cloud's section only, and a group's keys may each stay unset", () => {
        for (const name of NAMES) {
            const [section, group] = decl(name).at.split(".");
            if (isCloud(section)) assert.deepEqual(decl(name).clouds, [section], `${name} sits in the ${section} section`);
            if (group !== undefined && decl(name).at.split(".").length === 3) assert.ok("unset" in decl(name).default, `${name} is in a group, so it may be unset`);
        }
    });

    it("reads each key's value to its place on every cloud, and no other cloud's section", () => {
        for (const base of [AWS, GCP, AZURE, LOCAL]) {
            const c = read(base);
            for (const name of NAMES) {
                const [section] = decl(name).at.split(".");
                if (name === "cloud" || (isCloud(section) && section !== c.cloud)) continue;
                const group = decl(name).at.split(".").slice(0, 2).join(".");
                const place = decl(name).at.split(".").length === 3 && at(c, group).value === undefined ? group : decl(name).at;
                assert.ok(at(c, place).found, `${c.cloud}: ${name} has no field at ${place}`);
            }
            for (const other of CLOUDS.filter((o) => o !== c.cloud)) assert.ok(!(other in c), `${c.cloud} config has a ${other} section`);
        }
    });

    it("fills a group only when every key in it is set (an existing network is given whole)", () => {
        const c = read({ ...AWS, "platform:vpcId": "vpc-0abc1234", "platform:publicSubnetIds": '["subnet-0aaa1111"]', "platform:privateSubnetIds": '["subnet-0bbb2222","subnet-0ccc3333"]' });
        assert.ok(c.cloud === "aws");
        assert.deepEqual(c.aws.existingVpc, { vpcId: "vpc-0abc1234", publicSubnetIds: ["subnet-0aaa1111"], privateSubnetIds: ["subnet-0bbb2222", "subnet-0ccc3333"] });
        const none = read(AWS);
        assert.ok(none.cloud === "aws");
        assert.equal(none.aws.existingVpc, undefined);
    });

    it("types each field from its key: kinds, optional when unset-able, secrets as Outputs (checked by tsc)", () => {
        const c = read(AWS);
        const typed: {
            mode: PlatformConfig["cluster"]["nodeMode"];
            image: WorkloadSettings["appImage"];
            password: WorkloadSettings["postgresPassword"];
        } = { mode: c.cluster.nodeMode, image: c.workloads.appImage, password: c.workloads.postgresPassword };
        // @ts-expect-error a node mode is one of the declared ones
        typed.mode = "serverless";
        // @ts-expect-error a secret is never plain text
        const plain: string | undefined = c.workloads.postgresPassword;
        const secret: pulumi.Output<string> | undefined = c.workloads.redisPassword;
        // @ts-expect-error appImage may be unset
        const image: string = c.workloads.appImage;
        assert.deepEqual([plain, secret, image], [undefined, undefined, undefined]);
    });
});
