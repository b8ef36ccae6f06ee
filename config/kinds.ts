/**
 * The kinds of value a config key can hold. Each kind parses one trimmed string (Pulumi hands the
 * program every value as text; structured values such as lists arrive as JSON) and describes itself
 * for the configuration reference (docs/configuration.md), so the table and the validation cannot drift apart.
 */

export type Parsed<T> = { value: T } | { problem: string };

export interface Kind<T> {
    /** docs/configuration.md "type" column, e.g. `integer 1–100` or `` `ssd` \| `premium` ``. */
    readonly type: string;
    /** A value, or what is wrong with it (without the `namespace:key: ` prefix). */
    parse(raw: string): Parsed<T>;
}

const code = (s: string): string => `\`${s}\``;

export function oneOf<T extends string>(allowed: readonly T[]): Kind<T> {
    return {
        type: allowed.map(code).join(" \\| "),
        parse: (raw) =>
            (allowed as readonly string[]).includes(raw)
                ? { value: raw as T }
                : { problem: `"${raw}" is not allowed; expected one of: ${allowed.join(", ")}` },
    };
}

export function integer(min: number, max: number): Kind<number> {
    return {
        type: `integer ${min}–${max}`,
        parse(raw) {
            if (!/^-?[0-9]+$/.test(raw)) return { problem: `"${raw}" is not a whole number; expected an integer from ${min} to ${max}` };
            const n = Number(raw);
            if (n < min || n > max) return { problem: `${n} is out of range; expected an integer from ${min} to ${max}` };
            return { value: n };
        },
    };
}

/** An integer from a fixed set (CloudWatch retention periods, for one). */
export function integerOf(allowed: readonly number[], label: string): Kind<number> {
    return {
        type: `integer: ${label}`,
        parse(raw) {
            const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
            return allowed.includes(n) ? { value: n } : { problem: `"${raw}" is not allowed; expected one of: ${allowed.join(", ")}` };
        },
    };
}

export const boolean: Kind<boolean> = {
    type: "boolean",
    parse: (raw) =>
        raw === "true" ? { value: true } : raw === "false" ? { value: false } : { problem: `"${raw}" is not a boolean; expected true or false` },
};

/** Free-form text matching a pattern; `expected` completes "expected ..." in the message. */
export function text(pattern: RegExp, expected: string, type = "string"): Kind<string> {
    return { type, parse: (raw) => (pattern.test(raw) ? { value: raw } : { problem: `"${raw}" is not valid; expected ${expected}` }) };
}

/** Text checked by a function that returns what is wrong, if anything. */
export function checked(type: string, check: (raw: string) => string | undefined): Kind<string> {
    return {
        type,
        parse(raw) {
            const problem = check(raw);
            return problem === undefined ? { value: raw } : { problem };
        },
    };
}

/**
 * A list, given as JSON text (`'["a","b"]'`) or as structured config (`pulumi config set --path
 * 'platform:key[0]' a`, which Pulumi hands the program as the same JSON). Items are checked by a
 * pattern, or by a function that says what is wrong with one (so the message names the bad entry).
 * `[]` is accepted only where it means something.
 */
export function list(what: string, item: RegExp | ((v: string) => string | undefined), opts: { allowEmpty?: boolean } = {}): Kind<string[]> {
    return {
        type: `JSON list of ${what}`,
        parse(raw) {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
            const expected = `expected a ${opts.allowEmpty ? "" : "non-empty "}JSON list of ${what}`;
            const shapeOk = Array.isArray(parsed) && (parsed.length > 0 || opts.allowEmpty === true) && parsed.every((v) => typeof v === "string");
            if (!shapeOk || (item instanceof RegExp && !(parsed as string[]).every((v) => item.test(v)))) {
                return { problem: `${raw} is not valid; ${expected}` };
            }
            const items = parsed as string[];
            if (typeof item === "function") {
                const bad = items.flatMap((v) => {
                    const why = item(v);
                    return why === undefined ? [] : [`"${v}" ${why}`];
                });
                if (bad.length > 0) return { problem: `${raw} is not valid: ${bad.join("; ")}; ${expected}` };
            }
            if (new Set(items).size !== items.length) return { problem: `${raw} is not valid: it names an entry twice; ${expected}` };
            return { value: items };
        },
    };
}

/**
 * A JSON object from a fixed set of names to text, given as JSON text or as structured config
 * (`pulumi config set --path 'platform:key["name"]' value`, which Pulumi hands the program as the
 * same JSON). Each value is parsed by `value`; a name outside `names` is refused with the allowed
 * ones (`whyNot` may say why a known-but-inapplicable name is refused). `{}` is accepted.
 */
export function stringMap<K extends string, V>(
    what: { name: string; value: string },
    names: readonly K[],
    value: (v: string) => Parsed<V>,
    whyNot: (name: string) => string = () => "is not allowed",
): Kind<{ [k in K]?: V }> {
    return {
        type: `JSON object of ${what.name} to ${what.value}`,
        parse(raw) {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
            const expected = `expected a JSON object from ${what.name} (${names.join(", ")}) to ${what.value}`;
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { problem: `${raw} is not valid; ${expected}` };
            const result: { [k in K]?: V } = {};
            const bad: string[] = [];
            for (const [name, v] of Object.entries(parsed)) {
                if (!(names as readonly string[]).includes(name)) {
                    bad.push(`"${name}" ${whyNot(name)}`);
                } else if (typeof v !== "string") {
                    bad.push(`"${name}" is not given as text`);
                } else {
                    const p = value(v.trim());
                    if ("value" in p) result[name as K] = p.value;
                    else bad.push(`"${name}": ${p.problem}`);
                }
            }
            return bad.length > 0 ? { problem: `${raw} is not valid: ${bad.join("; ")}; ${expected}` } : { value: result };
        },
    };
}

/** One field of a `record`: its kind, and the value it takes when the object leaves it out (else it is required). */
export interface FieldKind<T> {
    readonly kind: Kind<T>;
    readonly default?: T;
}
export type FieldKinds<T> = { readonly [K in keyof T]-?: FieldKind<T[K]> };

/** A JSON value as the text a field's kind parses: strings as they are, anything else as JSON. */
function fieldText(v: unknown): string {
    return typeof v === "string" ? v.trim() : JSON.stringify(v);
}

function parseJson(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return undefined;
    }
}

/**
 * A JSON object with fixed, typed fields (structured config: `pulumi config set --path
 * 'platform:key.field' value`, or a YAML mapping in the stack file, both handed over as JSON). Each
 * field is parsed by its own kind, so the message names the field; a field not declared is refused
 * with the ones that are; a left-out field takes its default or is refused as missing.
 */
export function record<T>(what: string, fields: FieldKinds<T>): Kind<T> {
    const names = Object.keys(fields) as (keyof T & string)[];
    return {
        type: `JSON object ${what} {${names.join(", ")}}`,
        parse(raw) {
            const parsed = parseJson(raw);
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { problem: `${raw} is not valid; expected a JSON object ${what} with ${names.join(", ")}` };
            const given = parsed as Record<string, unknown>;
            const bad = Object.keys(given)
                .filter((k) => !(names as string[]).includes(k))
                .map((k) => `"${k}" is not a field (expected ${names.join(", ")})`);
            const result: Partial<T> = {};
            for (const name of names) {
                const field = fields[name] as FieldKind<T[typeof name]>;
                if (!(name in given)) {
                    if (field.default === undefined) bad.push(`${name} is missing`);
                    else result[name] = field.default;
                    continue;
                }
                const p = field.kind.parse(fieldText(given[name]));
                if ("value" in p) result[name] = p.value;
                else bad.push(`${name}: ${p.problem}`);
            }
            return bad.length > 0 ? { problem: bad.join("; ") } : { value: result as T };
        },
    };
}

/**
 * A JSON list of `record`s. Each item's problems are prefixed with its position (and its `name`
 * field, where it has one); `check` then judges the list as a whole (duplicates, reserved names)
 * and returns what is wrong with it. `[]` is accepted.
 */
export function records<T>(what: string, item: Kind<T>, check: (items: readonly T[]) => string[] = () => []): Kind<T[]> {
    return {
        type: `JSON list of ${what}: ${item.type.replace(/^JSON object /, "")}`,
        parse(raw) {
            const parsed = parseJson(raw);
            if (!Array.isArray(parsed)) return { problem: `${raw} is not valid; expected a JSON list of ${what}` };
            const items: T[] = [];
            const bad: string[] = [];
            parsed.forEach((v, i) => {
                const label = typeof v === "object" && v !== null && typeof (v as Record<string, unknown>).name === "string" ? `[${i}] "${String((v as Record<string, unknown>).name)}"` : `[${i}]`;
                const p = item.parse(JSON.stringify(v));
                if ("value" in p) items.push(p.value);
                else bad.push(`${label}: ${p.problem}`);
            });
            bad.push(...check(items));
            return bad.length > 0 ? { problem: bad.join("; ") } : { value: items };
        },
    };
}
