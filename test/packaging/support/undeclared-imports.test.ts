import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedPackages, undeclaredImports } from './undeclared-imports.js';

describe('the undeclared-import check of the packaging test', () => {
  it('reads static, side-effect, dynamic and require specifiers, and leaves out relative paths and builtins', () => {
    const source = [
      "import { a } from 'alpha';",
      "import '@scope/beta/register.js';",
      "export * from 'gamma/sub';",
      "const d = await import('delta');",
      "const e = require('epsilon');",
      "import { x } from './local.js';",
      "import fs from 'node:fs';",
      "import path from 'path';",
      "/** Example: import { it } from 'vitest'; */",
      "// import 'commented-out';",
      "throw new Error(`add 'import \"reflect-metadata\"' to your entry point`);",
      "const s = 'a, ' + \"b\";",
    ].join('\n');
    expect(importedPackages(source).sort()).toEqual(['@scope/beta', 'alpha', 'delta', 'epsilon', 'gamma']);
  });

  it('reports a shipped file importing a package the manifest does not declare', () => {
    const root = mkdtempSync(join(tmpdir(), 'bs-undeclared-'));
    try {
      writeFileSync(join(root, 'index.js'), "import 'declared';\nimport 'peer';\nimport 'sneaky';\nimport 'self/x.js';\n");
      const problems = undeclaredImports(root, ['index.js', 'README.md'], { name: 'self', dependencies: { declared: '1' }, peerDependencies: { peer: '1' } });
      expect(problems).toEqual(['index.js: sneaky']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
