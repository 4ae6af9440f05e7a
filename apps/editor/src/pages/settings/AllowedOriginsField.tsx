/**
 * Where a connection's credentials may be sent (issue 16): one origin per line. The server
 * refuses any request, token request or WSDL load elsewhere (CONNECTION_ORIGIN_NOT_ALLOWED) and
 * strips the credentials from redirects to other origins.
 */
import { Field } from '../../ui/form';

/** The lines as a list (blank lines dropped); the server checks and normalises each one. */
export function originsOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export function AllowedOriginsField({ value, onChange }: { value: string; onChange(v: string): void }) {
  return (
    <Field
      label="Allowed origins"
      htmlFor="conn-origins"
      hint={
        <>
          Where this connection’s credentials may be sent: one origin per line, scheme, host and port only
          (e.g. https://crm.example.com, http://10.0.0.5:8080). Requests, token requests and WSDL loads to any
          other origin fail; redirects to other origins lose the credentials. Leave empty to use the origins of
          the URLs in the fields below (baseUrl, wsdlUrl…) and of the token URL.
        </>
      }
    >
      <textarea
        id="conn-origins"
        className="input"
        rows={2}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="https://crm.example.com"
        spellCheck={false}
        data-testid="connection-allowed-origins"
      />
    </Field>
  );
}
