/**
 * Kubernetes quantities as the apps' checks read them: the syntax an app's requests and volume
 * sizes must have, and a quantity's value, for adding a team's apps up against its quota.
 */

/** A Kubernetes quantity: a decimal number and a binary or decimal suffix (apimachinery resource.Quantity, checked 2026-12-07). */
export const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|)$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * A Kubernetes quantity (`500m`, `1.5`, `4Gi`, `128M`) as a number of its base unit (cores, bytes);
 * undefined for text that is not one (apimachinery resource.Quantity suffixes, checked 2026-12-07).
 */
export function quantityValue(quantity: string): number | undefined {
    const m = QUANTITY.exec(quantity.trim());
    if (!m) return undefined;
    return Number(m[1]) * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}
