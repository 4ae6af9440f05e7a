/**
 * A node type's meaning lives in its spec (libs/flow/src/nodes), its executor and its panel: code
 * elsewhere compares against the spec objects (`n.type === batchNode.type`) or reads spec fields,
 * never a type name written out. This scans libs/*\/src, apps/editor/src and apps/api/src for type names used as
 * node types (compared, assigned, switched on, used as keys).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NODE_SPECS } from './registry';

const ROOT = join(__dirname, '../../..');
const SCANNED = ['libs/flow/src', 'libs/engine/src', 'apps/editor/src', 'apps/api/src'];
/** Where type names are written on purpose. */
const ALLOWED: Record<string, string> = {
  'libs/flow/src/nodes/': 'the spec files define the types',
  // Screens outside the editor's lazy chunk do not load @callflow/flow (zod); their keys are typed by NodeType.
  'apps/editor/src/ui/triggers.ts': 'keyed by TriggerType (type-only import), kept out of the flow library bundle',
  'apps/editor/src/pages/starters.ts': 'stored flow definitions (JSON data)',
  'apps/api/src/flow-templates/templates/': 'flow templates are stored flow definitions (JSON data)',
  'apps/api/src/flows/dto/flow-fields.ts': "the OpenAPI document's example definition (JSON data)",
  // Migrations are frozen history: they say what the schema was, in its own words.
  'apps/api/src/database/migrations/': 'committed migrations never change',
};

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return files(path);
    return /\.tsx?$/.test(e.name) && !/\.spec\.tsx?$/.test(e.name) ? [path] : [];
  });
}

describe('node type names', () => {
  it('are written only in the spec files', () => {
    const names = NODE_SPECS.map((s) => s.type.replace(/\./g, '\\.')).join('|');
    const q = `(['"\`])(?:${names})\\1`;
    // `x === 'http'`, `'http' === x`, `type: 'http'`, `case 'http':`, `m['http']`, `?? 'http'`, ` = 'http'`,
    // `'http': …`, `getNodeSpec('http')`
    const uses = new RegExp(
      `(?:\\btype\\s*:\\s*|[!=]==?\\s*|\\bcase\\s+|\\[\\s*|\\?\\?\\s*|` +
        `\\s=\\s+|getNodeSpec\\(\\s*)${q}|^\\s*${q}\\s*:|${q}\\s*[!=]==?`,
      'm',
    );
    const found: string[] = [];
    for (const dir of SCANNED) {
      for (const file of files(dir)) {
        if (Object.keys(ALLOWED).some((a) => file.startsWith(a))) continue;
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            // A token root (`batch`) and a run outcome's kind (`respond`) share names with node types.
            if (uses.test(line) && !/\.(root|kind)\s*[!=]==/.test(line))
              found.push(`${relative(ROOT, join(ROOT, file))}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(found).toEqual([]);
  });
});
