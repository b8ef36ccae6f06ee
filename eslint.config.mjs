// Lints the TypeScript program, its tests and tools. The Python app has its own tests (app/).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    // .stryker-tmp holds a copy of the repository while npm run test:mutation runs; reports/ its output.
    { ignores: ["node_modules/**", "app/**", ".plan/**", "tests/golden/**", "**/*.mjs", ".stryker-tmp/**", "reports/**"] },
    js.configs.recommended,
    tseslint.configs.strict,
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
            eqeqeq: ["error", "always"],
            "no-console": "off",
        },
    },
    {
        // Pulumi resources are created for their side effects: `new X(...)` without a binding is normal.
        files: ["components/**/*.ts", "facts/**/*.ts", "stacks/**/*.ts", "tests/**/*.ts", "policy/**/*.ts"],
        rules: { "no-new": "off" },
    },
);
