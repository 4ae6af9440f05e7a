import type { FlowGraph } from './graph';
import type { IssueList } from './issues';
import { httpNode } from './nodes/http';
import { respondNode } from './nodes/logic';
import { getNodeSpec, isNodeOf } from './registry';

/**
 * Respond nodes that answer with a redirect or with another node's bytes: the node passed through
 * must be an http node reading its response as binary that runs before; both answers are for a
 * webhook (an IVR gets `output`, never an HTTP answer of its own).
 */
export function checkRespondSources(graph: FlowGraph, list: IssueList, triggerType: string | undefined): void {
  for (const node of graph.nodes.values()) {
    if (!isNodeOf(node, respondNode)) continue;
    const body = node.config.body;
    if (body.type !== 'redirect' && body.type !== 'passthrough') continue;
    if (triggerType !== undefined && !getNodeSpec(triggerType)?.trigger?.httpAnswer) {
      const message = `a ${body.type} answer is for webhook callers; under ${triggerType} nobody follows it`;
      list.warn(node.issueTarget, 'respond_http_only', 'config.body.type', message);
    }
    if (body.type !== 'passthrough') continue;
    const path = ['config', 'body', 'node'];
    const fail = (message: string) => list.error(node.issueTarget, 'respond_source', path, message);
    const source = graph.byName.get(body.node);
    if (!source) {
      fail(`there is no node named "${body.node}"`);
    } else if (source.type !== httpNode.type) {
      fail(`"${body.node}" is a ${source.type} node; only an http node's response can be passed through`);
    } else if (!isNodeOf(source, httpNode)) {
      continue; // its own config errors are reported on it
    } else if (source.config.responseType !== 'binary') {
      fail(`set "Read response as" of "${body.node}" to binary (responseType: "binary") so its bytes are kept`);
    } else if (!graph.runsBefore(source.id, node.id)) {
      fail(`"${body.node}" does not run before this node (no path leads from it here)`);
    }
  }
}
