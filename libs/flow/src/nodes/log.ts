import { z } from 'zod';
import { defineNodeSpec } from '../node-spec';
import { templateSchema } from './common';

export const logConfigSchema = z.strictObject({ message: templateSchema.min(1, 'message is required') });

/** Log: renders `message`; output `{message}`. */
export const logNode = defineNodeSpec({
  type: 'log', // the only place the name is written
  category: 'logic', // 'trigger' | 'request' | 'logic'
  label: 'Log', // node panel header, validation messages
  shortLabel: 'Log', // palette
  baseName: 'log', // a new node is named log, log2, …
  description: 'Records a message in the run.',
  configSchema: logConfigSchema, // the config's type (ConfigOf<'log'>) is inferred from it
  initialConfig: () => ({ message: 'caller {{call.callerId}}' }), // what the editor starts a new node with
  handles: () => ['next'], // outgoing handles; the first is the default
  templates: (c) => [{ path: ['message'], template: c.message, context: 'text' }],
  summary: (c) => c.message.slice(0, 40), // node card line
  outputFields: ['message'], // offered as {{nodes.<name>.message}}
  recordsOutput: true, // its step record carries its output (logic); request nodes record request/response
});
