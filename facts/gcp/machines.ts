/**
 * Compute Engine machine families, as config's rules and the GKE layer both need them.
 */

/** Arm GCE families (Tau T2A, Axion C4A/N4A): their nodes run linux/arm64 images only. */
const ARM_GCE_FAMILIES = /^(t2a|c4a|n4a)-/;

export function isArmMachineType(machineType: string): boolean {
    return ARM_GCE_FAMILIES.test(machineType);
}
