/**
 * ESLint's per-folder import boundaries (eslint.config.js) refuse the imports that made the two
 * folder cycles: src/domain importing src/policies, and src/sandbox importing src/local. The project's
 * own config lints a line of text as if it were in each folder (type-aware rules off: only the
 * import rule is under test, and the text is not part of the TypeScript project).
 */
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ overrideConfig: [tseslint.configs.disableTypeChecked] });

async function restrictedImports(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${text}\nvoid value;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries", () => {
  it("src/domain imports no other src folder, src/policies only src/domain", async () => {
    expect(await restrictedImports("src/domain/probe.ts", 'import { pollDelaySeconds as value } from "../policies/pollSchedule.js";')).toHaveLength(1);
    expect(await restrictedImports("src/policies/probe.ts", 'import { ACTIVITIES as value } from "../activities/contracts.js";')).toHaveLength(1);
    expect(await restrictedImports("src/policies/probe.ts", 'import { TAG_PATTERN as value } from "../domain/imageReference.js";')).toEqual([]);
  });

  it("src/sandbox never imports src/local, src/common imports neither, and product code imports neither", async () => {
    expect(await restrictedImports("src/sandbox/kernel/probe.ts", 'import { createEngine as value } from "../../local/engine/engine.js";')).toHaveLength(1);
    expect(await restrictedImports("src/sandbox/kernel/probe.ts", 'import { RealClock as value } from "../../common/clock.js";')).toEqual([]);
    expect(await restrictedImports("src/common/probe.ts", 'import { startSandbox as value } from "../sandbox/server.js";')).toHaveLength(1);
    expect(await restrictedImports("src/activities/probe.ts", 'import { startSandbox as value } from "../sandbox/server.js";')).toHaveLength(1);
  });
});
