/**
 * Pulumi mock engine for the tests and the offline plan.
 *
 * Every registration is recorded with its resolved inputs *and* the options the mock API hides
 * (parent, provider, protect, retainOnDelete, dependsOn, aliases), so tests can assert data safety
 * and provider wiring. `runProgram` fails when Pulumi swallowed an error: under mocks an exception
 * inside `apply()` or a failed registration is otherwise only printed, and the test would pass.
 */
import * as pulumi from "@pulumi/pulumi";
import { getMonitor, loggedErrorCount, waitForRPCs } from "./internals";

export const PROJECT = "platform";
export const STACK = "test";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** Resolved inputs; secrets are unwrapped here, see `secretInputs`. */
    inputs: Record<string, unknown>;
    /** Top-level input keys that were secret when registered. */
    secretInputs: string[];
    custom: boolean;
    /** Provider reference (`urn::id`); empty for components and default providers. */
    provider: string;
    parent: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /** `ignoreChanges` / `replaceOnChanges` property paths. */
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    dependsOn: string[];
    aliases: string[];
    /** True for `Resource.get` reads. */
    read: boolean;
}

type StateFn = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
type CallFn = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

const stateMocks = new Map<string, StateFn>();
const callMocks = new Map<string, CallFn>();

/** Extra output state for a resource type (e.g. the cluster's kubeconfig, a Service's LB address). */
export function mockState(type: string, fn: StateFn): void {
    stateMocks.set(type, fn);
}

/**
 * Forgets every `mockState` and `mockCall`. The root hooks call it before each test, so a test's
 * mocks are exactly those its own `beforeEach` (or body) registered, whatever ran before it.
 */
export function resetMocks(): void {
    stateMocks.clear();
    callMocks.clear();
}

/** The result of an invoke (data source / function call) by token. */
export function mockCall(token: string, fn: CallFn): void {
    callMocks.set(token, fn);
}

/** An invoke the program made: its token and arguments. */
export interface RecordedInvoke {
    token: string;
    args: Record<string, unknown>;
}

let invoked: RecordedInvoke[] = [];

/** The invokes of the current (or last) `runProgram`, in the order they were made. */
export function invokesSoFar(): readonly RecordedInvoke[] {
    return [...invoked];
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isWrappedSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === SECRET_SIG;
}

/**
 * The inputs as recorded: secrets unwrapped, and resource references (a resource passed as an
 * input, e.g. a node group's `cluster`) as `{ resource: <urn> }`, read from the raw request at the
 * same path, since the deserialized object holds only unresolved Outputs.
 */
function recordable(v: unknown, raw: unknown): unknown {
    if (isWrappedSecret(v)) return recordable(v.value, isWrappedSecret(raw) ? raw.value : raw);
    if (pulumi.Resource.isInstance(v)) {
        const urn = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).urn : undefined;
        return { resource: typeof urn === "string" ? urn : "<unknown>" };
    }
    const rawRecord = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    if (Array.isArray(v)) return v.map((x, i) => recordable(x, Array.isArray(raw) ? raw[i] : undefined));
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, recordable(x, rawRecord[k])]));
    }
    return v;
}

function containsSecret(v: unknown): boolean {
    if (isWrappedSecret(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
    return false;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getDependenciesList(): string[];
    getAliasesList(): RawAlias[];
    getObject(): RawStruct | undefined;
}

interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getProperties(): RawStruct | undefined;
}

interface RawAlias {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

export class ResourceSet {
    constructor(readonly all: RecordedResource[]) {}

    ofType(type: string): RecordedResource[] {
        return this.all.filter((r) => r.type === type);
    }

    /** The one resource of `type` (named `name` if given); fails if there is not exactly one. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            const names = this.ofType(type).map((r) => r.name);
            throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (have: ${names.join(", ") || "none"})`);
        }
        return found[0];
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.all.find((r) => r.urn === urn);
    }

    /** Kubernetes objects (custom resources of the kubernetes package, not providers or reads). */
    kubernetesObjects(): RecordedResource[] {
        return this.all.filter((r) => r.custom && !r.read && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));
    }
}

type RequestOptions = Pick<
    RecordedResource,
    "urn" | "provider" | "parent" | "protect" | "retainOnDelete" | "deleteBeforeReplace" | "ignoreChanges" | "replaceOnChanges" | "dependsOn" | "aliases"
> & { rawInputs: unknown };

interface RawStruct {
    toJavaScript(): unknown;
}

let recorded: RecordedResource[] = [];
/** Options of the registration in flight: the mock monitor calls `newResource` synchronously. */
let inFlight: RequestOptions | undefined;
let installed = false;

/** Installs the mocks once per process; `runProgram` resets what was recorded. */
export function installMocks(): void {
    if (installed) return;
    installed = true;
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                const opts = inFlight;
                inFlight = undefined;
                const extra = stateMocks.get(args.type)?.(args) ?? {};
                recorded.push({
                    type: args.type,
                    name: args.name,
                    urn: opts?.urn ?? "",
                    inputs: recordable(args.inputs, opts?.rawInputs) as Record<string, unknown>,
                    secretInputs: Object.entries(args.inputs as Record<string, unknown>)
                        .filter(([, v]) => containsSecret(v))
                        .map(([k]) => k),
                    custom: args.custom ?? false,
                    provider: opts?.provider ?? args.provider ?? "",
                    parent: opts?.parent ?? "",
                    protect: opts?.protect ?? false,
                    retainOnDelete: opts?.retainOnDelete ?? false,
                    deleteBeforeReplace: opts?.deleteBeforeReplace ?? false,
                    ignoreChanges: opts?.ignoreChanges ?? [],
                    replaceOnChanges: opts?.replaceOnChanges ?? [],
                    dependsOn: opts?.dependsOn ?? [],
                    aliases: opts?.aliases ?? [],
                    read: args.id !== undefined && args.id !== "",
                });
                return { id: args.id || `${args.name}-id`, state: { ...args.inputs, ...extra } };
            },
            call(args) {
                invoked.push({ token: args.token, args: { ...(args.inputs as Record<string, unknown>) } });
                const fn = callMocks.get(args.token);
                return fn ? fn(args) : {};
            },
        },
        PROJECT,
        STACK,
        false,
        // The DIY backend's organization name: code that names its own stack fully reads it.
        "organization",
    );

    // The mock API hides resource options; read them off the raw request before it is handled.
    const monitor = getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: unknown): unknown;
        readResource(req: ReadRequest, cb: unknown): unknown;
        newUrn(parent: string, type: string, name: string): string;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        inFlight = {
            urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
            provider: req.getProvider(),
            parent: req.getParent(),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            dependsOn: req.getDependenciesList(),
            aliases: req.getAliasesList().map((a) => a.getUrn() || describeAliasSpec(a)),
            rawInputs: req.getObject()?.toJavaScript(),
        };
        try {
            return register(req, cb);
        } finally {
            inFlight = undefined;
        }
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
        inFlight = {
            urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
            provider: req.getProvider(),
            parent: req.getParent(),
            protect: false,
            retainOnDelete: false,
            deleteBeforeReplace: false,
            ignoreChanges: [],
            replaceOnChanges: [],
            dependsOn: req.getDependenciesList(),
            aliases: [],
            rawInputs: req.getProperties()?.toJavaScript(),
        };
        try {
            return read(req, cb);
        } finally {
            inFlight = undefined;
        }
    };
}

function describeAliasSpec(a: RawAlias): string {
    const spec = a.getSpec();
    if (!spec) return "";
    return `name=${spec.getName()};type=${spec.getType()};parent=${spec.getNoparent() ? "<none>" : spec.getParenturn()}`;
}

/** What the current (or last) `runProgram` registered, also when the program threw. */
export function registeredSoFar(): readonly RecordedResource[] {
    return [...recorded];
}

/** Resolves an Output in tests (undefined while unknown). */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

export async function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

const rejections: unknown[] = [];
process.on("unhandledRejection", (reason) => {
    rejections.push(reason);
});

/** Errors Pulumi reported but did not throw; cleared by each call. */
export function takeSwallowedErrors(sinceLogErrors: number): string[] {
    const found: string[] = [];
    const logged = loggedErrorCount() - sinceLogErrors;
    if (logged > 0) found.push(`${logged} error(s) were logged through pulumi.log.error (see stderr)`);
    for (const r of rejections.splice(0)) found.push(`unhandled rejection: ${r instanceof Error ? r.stack ?? r.message : String(r)}`);
    return found;
}

/** The SDK's test-only switch (`runtime/settings.ts`, exported but left out of the typings). */
function setDryRun(preview: boolean): void {
    (pulumi.runtime as unknown as { _setIsDryRun(v: boolean): void })._setIsDryRun(preview);
}

export interface RunOptions {
    /** Evaluate as `pulumi preview` (`pulumi.runtime.isDryRun()` is true). Default false: `pulumi up`. */
    preview?: boolean;
}

/**
 * Runs `program` under the mocks, waits for every registration and invoke to finish, and returns
 * what was registered and invoked. Throws if any error was swallowed on the way.
 */
export async function runProgram<T>(
    program: () => T | Promise<T>,
    options: RunOptions = {},
): Promise<{ result: T; resources: ResourceSet; invokes: RecordedInvoke[] }> {
    installMocks();
    recorded = [];
    invoked = [];
    rejections.splice(0);
    const errorsBefore = loggedErrorCount();
    setDryRun(options.preview ?? false);
    let result: T;
    try {
        result = await program();
        await waitForRPCs();
        // Outputs resolved during registration may schedule more work: settle until quiet.
        for (let i = 0; i < 3; i++) {
            await new Promise((r) => setImmediate(r));
            await waitForRPCs();
        }
    } finally {
        setDryRun(false);
    }
    const swallowed = takeSwallowedErrors(errorsBefore);
    if (swallowed.length > 0) throw new Error(`the program reported errors under mocks:\n${swallowed.join("\n")}`);
    return { result, resources: new ResourceSet([...recorded]), invokes: [...invoked] };
}
