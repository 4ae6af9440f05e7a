/**
 * The nested parts of a token_endpoint connection: the login request (its body a union told apart
 * by `type`) and where the token goes (a union told apart by `in`, Gcalls' parameter kinds).
 */
import { OneOfKind } from '../../platform/validation/one-of';
import { Choice, Kind, NestedList, Pattern, ShortText, Text } from './connection-fields';

/** A header or form field: a name and a template. */
export class NameValueDto {
  @Text(200, { example: 'Content-Type' })
  name!: string;

  @ShortText(4000, { example: 'application/json' })
  value!: string;
}

export class JsonTokenBodyDto {
  @Kind('json')
  type!: 'json';

  @ShortText(20_000, { example: '{"user": "{{connection.user}}", "password": "{{secrets.password}}"}' })
  template!: string;
}

export class TextTokenBodyDto {
  @Kind('text')
  type!: 'text';

  @ShortText(20_000)
  template!: string;

  @ShortText(200, { optional: true, example: 'text/plain' })
  contentType?: string;
}

export class FormTokenBodyDto {
  @Kind('form')
  type!: 'form';

  @NestedList(() => NameValueDto, 100)
  fields!: NameValueDto[];
}

/** The request that fetches the token; url, headers and body are templates. */
export class TokenRequestDto {
  @Choice(['GET', 'POST', 'PUT', 'PATCH'], { optional: true, default: 'POST' })
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' = 'POST';

  @Text(2000, { example: 'https://{{connection.host}}/api/auth' })
  url!: string;

  @NestedList(() => NameValueDto, 50, { optional: true })
  headers?: NameValueDto[];

  @OneOfKind('type', { json: JsonTokenBodyDto, text: TextTokenBodyDto, form: FormTokenBodyDto }, { optional: true })
  body?: JsonTokenBodyDto | TextTokenBodyDto | FormTokenBodyDto;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const PLACEHOLDER = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export class HeaderApplyDto {
  @Kind('header')
  in!: 'header';

  @Pattern(HEADER_NAME, 'must be a valid header name', { example: 'Authorization' })
  name!: string;

  @ShortText(100, { optional: true, example: 'Bearer ' })
  prefix?: string;
}

export class QueryApplyDto {
  @Kind('query')
  in!: 'query';

  @Text(100)
  name!: string;
}

export class BodyApplyDto {
  @Kind('body')
  in!: 'body';

  @Text(100)
  name!: string;
}

/** `{name}` in the path of the requests. */
export class PathApplyDto {
  @Kind('path')
  in!: 'path';

  @Pattern(PLACEHOLDER, 'a placeholder: letters, digits, _ . -')
  name!: string;
}

/** Where the token goes on each request of a flow. */
export const APPLY_KINDS = { header: HeaderApplyDto, query: QueryApplyDto, body: BodyApplyDto, path: PathApplyDto };

/** For the controller's ApiExtraModels: the members of the unions above. */
export const TOKEN_ENDPOINT_MODELS = [
  NameValueDto,
  JsonTokenBodyDto,
  TextTokenBodyDto,
  FormTokenBodyDto,
  TokenRequestDto,
  ...Object.values(APPLY_KINDS),
];
