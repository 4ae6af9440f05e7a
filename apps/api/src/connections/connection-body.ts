import { BadRequestException } from '@nestjs/common';
import { normalizeOrigin, type ConnectionType } from '@callflow/engine';
import { z } from 'zod';

/**
 * Request bodies of POST and PUT /connections, one strict shape per `type` (unknown fields are
 * 400s). Secrets sit beside the settings (`password`, `token`, `apiKey`, `clientSecret`, and the
 * token_endpoint's `secrets` map); api_key names its header or query parameter `paramName` (`name`
 * is the connection's). On PUT a secret may be omitted (kept) or `null` (cleared).
 */
type Mode = 'create' | 'update';

/** The flat secret field of each type (token_endpoint uses its `secrets` map instead). */
export const SECRET_FIELD: Partial<Record<ConnectionType, string>> = {
  basic: 'password',
  bearer: 'token',
  api_key: 'apiKey',
  oauth2_client_credentials: 'clientSecret',
  soap_ws_security: 'password',
};

const text = (max = 2000) => z.string().min(1).max(max);
const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be a valid header name');
const nameValue = z.strictObject({ name: text(200), value: z.string().max(4000) });
const fields = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are identifiers'),
    z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]),
  )
  .refine((o) => Object.keys(o).length <= 50, 'at most 50 fields');

function secret(mode: Mode) {
  return mode === 'create' ? z.string().min(1).max(8000) : z.string().min(1).max(8000).nullable().optional();
}

/** An origin its credentials may go to, stored canonical (`https://crm.example.com`). */
const origin = z
  .string()
  .max(300)
  .transform((s, ctx) => {
    try {
      return normalizeOrigin(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

const common = {
  name: text(100),
  description: z.string().max(500).nullable().optional(),
  fields: fields.optional(),
  allowedOrigins: z.array(origin).max(20, 'at most 20 origins').optional(),
};

const tokenRequest = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
  url: z.string().min(1).max(2000),
  headers: z.array(nameValue).max(50).optional(),
  body: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('json'), template: z.string().max(20_000) }),
      z.strictObject({
        type: z.literal('text'),
        template: z.string().max(20_000),
        contentType: z.string().max(200).optional(),
      }),
      z.strictObject({ type: z.literal('form'), fields: z.array(nameValue).max(100) }),
    ])
    .optional(),
});

const placeholderName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a placeholder: letters, digits, _ . -');

/**
 * Where the token goes (Gcalls' parameter kinds): a header, a query parameter, a body member/field,
 * or `{name}` in the path.
 */
const apply = z.discriminatedUnion('in', [
  z.strictObject({ in: z.literal('header'), name: headerName, prefix: z.string().max(100).optional() }),
  z.strictObject({ in: z.literal('query'), name: text(100) }),
  z.strictObject({ in: z.literal('body'), name: text(100) }),
  z.strictObject({ in: z.literal('path'), name: placeholderName }),
]);

function schema(mode: Mode) {
  const s = secret(mode);
  const secretValue = mode === 'create' ? z.string().min(1).max(8000) : z.string().min(1).max(8000).nullable();
  const secretMap = z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'secret names are identifiers'),
    secretValue,
  );
  return z.discriminatedUnion('type', [
    z.strictObject({ ...common, type: z.literal('none') }),
    z.strictObject({ ...common, type: z.literal('basic'), username: text(500), password: s }),
    z.strictObject({ ...common, type: z.literal('bearer'), token: s }),
    z.strictObject({
      ...common,
      type: z.literal('api_key'),
      placement: z.enum(['header', 'query']),
      paramName: text(100),
      prefix: z.string().max(100).optional(),
      apiKey: s,
    }),
    z.strictObject({
      ...common,
      type: z.literal('oauth2_client_credentials'),
      tokenUrl: httpUrl,
      clientId: text(500),
      scope: z.string().max(2000).optional(),
      audience: z.string().max(2000).optional(),
      clientAuth: z.enum(['body', 'basic']).optional(),
      clientSecret: s,
    }),
    z.strictObject({
      ...common,
      type: z.literal('token_endpoint'),
      request: tokenRequest,
      tokenPath: text(200),
      expiresInPath: z.string().min(1).max(200).optional(),
      expiresInSeconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 86_400)
        .optional(),
      apply,
      secrets: secretMap
        .refine((o: Record<string, unknown>) => Object.keys(o).length <= 20, 'at most 20 secrets')
        .optional(),
    }),
    z.strictObject({
      ...common,
      type: z.literal('soap_ws_security'),
      username: text(500),
      passwordType: z.enum(['PasswordText', 'PasswordDigest']).default('PasswordText'),
      hasTimeStamp: z.boolean().optional(),
      hasNonce: z.boolean().optional(),
      password: s,
    }),
  ]);
}

const SCHEMAS = { create: schema('create'), update: schema('update') };

export type ConnectionBody = z.output<ReturnType<typeof schema>>;

/** A validated body split into what is stored where. */
export interface ParsedConnection {
  name: string;
  description: string | null | undefined;
  type: ConnectionType;
  fields: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Secret name → new value, or null to clear; absent names are kept (PUT). */
  secrets: Record<string, string | null>;
  /** Canonical origins as given; undefined when the body has none (see allowedOriginsFor). */
  allowedOrigins?: string[];
}

/** Validates a body (400 with every problem in `details`) and splits it into settings and secrets. */
export function parseConnectionBody(body: unknown, mode: Mode): ParsedConnection {
  const r = SCHEMAS[mode].safeParse(body);
  if (!r.success) {
    const details = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new BadRequestException({ message: details[0] ?? 'invalid connection', details });
  }
  const {
    name,
    description,
    type,
    fields: free,
    allowedOrigins,
    ...rest
  } = r.data as ConnectionBody & Record<string, unknown>;
  const secrets: Record<string, string | null> = {};
  const config: Record<string, unknown> = {};
  const flat = SECRET_FIELD[type];
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    if (k === flat) secrets[k] = v as string | null;
    else if (type === 'token_endpoint' && k === 'secrets')
      for (const [sk, sv] of Object.entries(v as Record<string, string | null>)) secrets[sk] = sv;
    else config[k] = v;
  }
  return {
    name,
    description,
    type,
    fields: free ?? {},
    config,
    secrets,
    ...(allowedOrigins ? { allowedOrigins: allowedOrigins as string[] } : {}),
  };
}
