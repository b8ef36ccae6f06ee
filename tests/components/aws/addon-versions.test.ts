import * as assert from "node:assert/strict";
import { addonStepProblem, EKS_ADDON_VERSIONS, EKS_ADDONS, eksAddonVersion } from "../../../components/aws/addon-versions";
import { CALENDARS, supportPhase } from "../../../facts/versions";

/** Every minor EKS still creates on the calendar's checkedOn date, extended-only ones included. */
function acceptedMinors(): string[] {
    const checkedOn = new Date(`${CALENDARS.aws.checkedOn}T00:00:00Z`);
    return CALENDARS.aws.minors.filter((e) => supportPhase(e, checkedOn) !== "gone").map((e) => e.minor);
}

describe("EKS add-on versions", () => {
    it("has a row for every minor the EKS calendar accepts (1.32-1.36 on 2026-12-01)", () => {
        assert.deepEqual(acceptedMinors(), ["1.32", "1.33", "1.34", "1.35", "1.36"]);
        for (const minor of acceptedMinors()) assert.ok(EKS_ADDON_VERSIONS[minor], `no add-on row for ${minor}`);
    });

    for (const minor of Object.keys(EKS_ADDON_VERSIONS)) {
        it(`${minor}: every add-on is pinned to an exact eksbuild, kube-proxy to its own minor`, () => {
            for (const addon of EKS_ADDONS) {
                assert.match(eksAddonVersion(minor, addon), /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, `${minor} ${addon}`);
            }
            // kube-proxy is built per Kubernetes minor; any other minor's build would be refused by EKS.
            assert.ok(eksAddonVersion(minor, "kube-proxy").startsWith(`v${minor}.`), eksAddonVersion(minor, "kube-proxy"));
        });
    }

    it("moves every add-on forward or keeps it when the minor goes up (an upgrade never downgrades one)", () => {
        const minors = Object.keys(EKS_ADDON_VERSIONS).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
        const parts = (v: string): number[] => v.replace(/^v/, "").split(/[.-]|eksbuild\./).filter(Boolean).map(Number);
        const cmp = (a: string, b: string): number => {
            const [x, y] = [parts(a), parts(b)];
            for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
            return 0;
        };
        for (let i = 1; i < minors.length; i++) {
            for (const addon of EKS_ADDONS) {
                const [lower, higher] = [eksAddonVersion(minors[i - 1] ?? "", addon), eksAddonVersion(minors[i] ?? "", addon)];
                assert.ok(cmp(lower, higher) <= 0, `${addon}: ${minors[i - 1]} has ${lower}, ${minors[i]} has ${higher}`);
            }
        }
    });

    it("is a sequence EKS accepts on every kubernetesVersion bump: no downgrade, the VPC CNI one minor at a time", () => {
        const minors = Object.keys(EKS_ADDON_VERSIONS).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
        const problems = minors.slice(1).flatMap((minor, i) =>
            EKS_ADDONS.map((addon) => addonStepProblem(addon, eksAddonVersion(minors[i] ?? "", addon), eksAddonVersion(minor, addon))).filter((p) => p !== undefined).map((p) => `${minors[i]} -> ${minor}: ${p}`),
        );
        assert.deepEqual(problems, []);
    });

    it("names a skipped VPC CNI minor and a downgrade of any add-on; other add-ons may skip minors", () => {
        assert.match(addonStepProblem("vpc-cni", "v1.21.1-eksbuild.1", "v1.23.0-eksbuild.1") ?? "", /vpc-cni v1\.21\.1-eksbuild\.1 -> v1\.23\.0-eksbuild\.1 skips a minor/);
        assert.match(addonStepProblem("vpc-cni", "v1.22.3-eksbuild.1", "v2.0.0-eksbuild.1") ?? "", /skips a minor/);
        assert.equal(addonStepProblem("vpc-cni", "v1.21.1-eksbuild.1", "v1.22.3-eksbuild.1"), undefined);
        assert.match(addonStepProblem("coredns", "v1.12.4-eksbuild.1", "v1.12.1-eksbuild.9") ?? "", /downgrade/);
        assert.equal(addonStepProblem("coredns", "v1.12.4-eksbuild.1", "v1.14.3-eksbuild.16"), undefined);
    });

    it("ignores a patch version and refuses a minor with no row, naming the ones pinned", () => {
        assert.equal(eksAddonVersion("1.35.3", "coredns"), EKS_ADDON_VERSIONS["1.35"]?.coredns);
        assert.throws(() => eksAddonVersion("1.37", "vpc-cni"), /no EKS add-on versions are pinned for Kubernetes 1\.37; pinned: 1\.32, 1\.33, 1\.34, 1\.35, 1\.36/);
        assert.throws(() => eksAddonVersion("latest", "vpc-cni"), /Kubernetes latest/);
    });
});
