import type { GraphNode } from './graph';
import { errorMessage, utf8Length, ROOT, type IssueList } from './issues';
import type { TemplateField } from './node-spec';
import { templateCost } from './template/cost';
import type { ValidationLimits } from './validation-types';

/** A template of a node that is small enough, and not refused before parsing, to be analysed. */
export interface PendingTemplate {
  node: GraphNode;
  field: TemplateField;
  /** `['config', ...field.path]`. */
  path: (string | number)[];
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Lists the templates of every node with a valid config, refuses those over the size limit or
 * with a raw block, and weighs what parsing the rest will cost (template/cost.ts). Over
 * `limits.maxTemplateWork` for the whole flow, one error is reported and no template with a
 * `{{` is returned: the parser never sees a definition whose templates would hold the event loop.
 */
export function templatesWithinBudget(
  nodes: readonly GraphNode[],
  list: IssueList,
  limits: ValidationLimits,
): PendingTemplate[] {
  const pending: PendingTemplate[] = [];
  let work = 0;
  let over = false;
  for (const node of nodes) {
    if (!node.spec || node.config === undefined) continue;
    let fields: TemplateField[];
    try {
      fields = node.spec.templates(node.config);
    } catch (err) {
      const message = `could not list the templates of this node: ${errorMessage(err)}`;
      list.error(node.issueTarget, 'internal', 'config', message);
      continue;
    }
    for (const field of fields) {
      const { template } = field;
      const plain = !template.includes('{{');
      // Plain text reads nothing; only a U+0000 in it is an error (the parser's), found when analysed.
      if (plain && template.length * 3 <= limits.maxTemplateBytes && !template.includes('\u0000')) continue;
      const path = ['config', ...field.path];
      // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count only when the length cannot tell.
      const bytes = template.length * 3 <= limits.maxTemplateBytes ? 0 : utf8Length(template);
      if (bytes > limits.maxTemplateBytes) {
        const message = `template is ${bytes} bytes; the limit is ${limits.maxTemplateBytes}`;
        list.error(node.issueTarget, 'template_size', path, message);
        continue;
      }
      if (plain) {
        if (template.includes('\u0000')) pending.push({ node, field, path });
        continue;
      }
      if (over) continue; // the budget is spent: what is left is not weighed either
      const cost = templateCost(template, limits.maxTemplateWork - work);
      if (cost.rawAt !== undefined) {
        const { line, column } = lineColumn(template, cost.rawAt);
        const message = `line ${line}, column ${column}: raw blocks ({{{{name}}}}…{{{{/name}}}}) are not supported`;
        list.error(node.issueTarget, 'template_syntax', path, message);
        continue;
      }
      work += cost.work;
      if (work > limits.maxTemplateWork) {
        over = true;
        const where = `node "${node.name ?? node.id}" ${path.join('.')}`;
        const message =
          `the templates of this flow are too large to check: they need more than ${limits.maxTemplateWork} units ` +
          `of parsing work, the limit per flow (a unit is about one name, dot, literal or brace inside {{…}}, ` +
          `a little more when nested in blocks or sub-expressions); it is reached at ${where}`;
        list.error(ROOT, 'limit_template_work', '', message);
      }
      pending.push({ node, field, path });
    }
  }
  if (over) return pending.filter((p) => !p.field.template.includes('{{'));
  return pending;
}
