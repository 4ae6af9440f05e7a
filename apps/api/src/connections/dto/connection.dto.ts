/**
 * Request bodies of POST and PUT /connections: one DTO per `type` (unknown fields are 400s),
 * built for each mode by one factory, since only the secrets differ: required on POST; on PUT
 * omitted (kept) or null (cleared). Secrets sit beside the settings (`password`, `token`,
 * `apiKey`, `clientSecret`, and token_endpoint's `secrets` map); api_key names its header or query
 * parameter `paramName` (`name` is the connection's).
 */
import { getSchemaPath, type ApiBodyOptions } from '@nestjs/swagger';
import type { ConnectionType } from '@callflow/engine';
import type { DtoClass } from '../../platform/validation/validate-body';
import { OneOfKind } from '../../platform/validation/one-of';
import {
  Choice,
  Flag,
  HttpUrl,
  Kind,
  Nested,
  Origins,
  ScalarMap,
  Secret,
  SecretMap,
  ShortText,
  Text,
  WholeNumber,
  type Mode,
} from './connection-fields';
import { APPLY_KINDS, TOKEN_ENDPOINT_MODELS, TokenRequestDto } from './token-endpoint.dto';

/** What every type has. */
abstract class ConnectionBaseDto {
  @Text(100, { example: 'crm' })
  name!: string;

  @ShortText(500, { optional: true, nullable: true })
  description?: string | null;

  @ScalarMap()
  fields?: Record<string, string | number | boolean | null>;

  @Origins()
  allowedOrigins?: string[];
}

/** The DTO class of each type for one mode, named for OpenAPI (`BasicConnection`, `BasicConnectionUpdate`). */
function connectionDtos(mode: Mode): Record<ConnectionType, DtoClass> {
  class None extends ConnectionBaseDto {
    @Kind('none')
    type!: 'none';
  }

  class Basic extends ConnectionBaseDto {
    @Kind('basic')
    type!: 'basic';

    @Text(500, { example: 'agent' })
    username!: string;

    @Secret(mode, 'The password')
    password?: string | null;
  }

  class Bearer extends ConnectionBaseDto {
    @Kind('bearer')
    type!: 'bearer';

    @Secret(mode, 'The token sent as `Authorization: Bearer <token>`')
    token?: string | null;
  }

  class ApiKey extends ConnectionBaseDto {
    @Kind('api_key')
    type!: 'api_key';

    @Choice(['header', 'query'])
    placement!: 'header' | 'query';

    @Text(100, { description: 'The header or query parameter', example: 'X-Api-Key' })
    paramName!: string;

    @ShortText(100, { optional: true, example: 'Token ' })
    prefix?: string;

    @Secret(mode, 'The key')
    apiKey?: string | null;
  }

  class OAuth2ClientCredentials extends ConnectionBaseDto {
    @Kind('oauth2_client_credentials')
    type!: 'oauth2_client_credentials';

    @HttpUrl()
    tokenUrl!: string;

    @Text(500)
    clientId!: string;

    @ShortText(2000, { optional: true })
    scope?: string;

    @ShortText(2000, { optional: true })
    audience?: string;

    @Choice(['body', 'basic'], { optional: true })
    clientAuth?: 'body' | 'basic';

    @Secret(mode, 'The client secret')
    clientSecret?: string | null;
  }

  class TokenEndpoint extends ConnectionBaseDto {
    @Kind('token_endpoint')
    type!: 'token_endpoint';

    @Nested(() => TokenRequestDto)
    request!: TokenRequestDto;

    @Text(200, { description: 'Where the token is in the answer (a dotted path)', example: 'data.token' })
    tokenPath!: string;

    @Text(200, { optional: true, example: 'data.expires_in' })
    expiresInPath?: string;

    @WholeNumber(1, 30 * 86_400, { optional: true, description: 'Lifetime when the answer does not say' })
    expiresInSeconds?: number;

    @OneOfKind('in', APPLY_KINDS, { description: 'Where the token goes on each request' })
    apply!: InstanceType<(typeof APPLY_KINDS)[keyof typeof APPLY_KINDS]>;

    @SecretMap(mode)
    secrets?: Record<string, string | null>;
  }

  class SoapWsSecurity extends ConnectionBaseDto {
    @Kind('soap_ws_security')
    type!: 'soap_ws_security';

    @Text(500)
    username!: string;

    @Choice(['PasswordText', 'PasswordDigest'], { optional: true, default: 'PasswordText' })
    passwordType: 'PasswordText' | 'PasswordDigest' = 'PasswordText';

    @Flag({ optional: true })
    hasTimeStamp?: boolean;

    @Flag({ optional: true })
    hasNonce?: boolean;

    @Secret(mode, 'The password')
    password?: string | null;
  }

  const classes: Record<ConnectionType, DtoClass> = {
    none: None,
    basic: Basic,
    bearer: Bearer,
    api_key: ApiKey,
    oauth2_client_credentials: OAuth2ClientCredentials,
    token_endpoint: TokenEndpoint,
    soap_ws_security: SoapWsSecurity,
  };
  for (const cls of Object.values(classes))
    Object.defineProperty(cls, 'name', { value: `${cls.name}Connection${mode === 'update' ? 'Update' : ''}` });
  return classes;
}

/** The DTO of each connection type, for POST ('create') and PUT ('update'). */
export const CONNECTION_DTOS: Readonly<Record<Mode, Record<ConnectionType, DtoClass>>> = {
  create: connectionDtos('create'),
  update: connectionDtos('update'),
};

/** Every class the connection bodies' OpenAPI schemas name (the controller's ApiExtraModels). */
export const CONNECTION_MODELS = [
  ...Object.values(CONNECTION_DTOS.create),
  ...Object.values(CONNECTION_DTOS.update),
  ...TOKEN_ENDPOINT_MODELS,
];

/** The request body of POST ('create') or PUT ('update') in OpenAPI: one of the types' DTOs. */
export function connectionBodyDoc(mode: Mode): ApiBodyOptions {
  const dtos = CONNECTION_DTOS[mode];
  return {
    description:
      'One shape per `type`; unknown fields are 400s. Secrets (password, token, apiKey, clientSecret, ' +
      'token_endpoint `secrets`) are write-only' +
      (mode === 'update' ? '; omit a secret to keep it, send null to clear it.' : '.'),
    schema: {
      oneOf: Object.values(dtos).map((cls) => ({ $ref: getSchemaPath(cls) })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(Object.entries(dtos).map(([type, cls]) => [type, getSchemaPath(cls)])),
      },
      example: {
        name: 'crm',
        type: 'basic',
        username: 'agent',
        password: 's3cret',
        fields: { baseUrl: 'https://crm.example.com' },
      },
    },
  };
}
