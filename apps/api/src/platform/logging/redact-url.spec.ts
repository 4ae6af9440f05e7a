import { decodeFully, isTriggerUrl, urlForLog } from './redact-url';

describe('urlForLog', () => {
  const KEY = 'cfk_Sup3rS3cretKeyValue';
  it.each([
    `/api/v1/ivr/vip?token=${KEY}`,
    `/api/v1/ivr/vip?TOKEN=${KEY}`,
    `/api/v1/ivr/vip?%74oken=${KEY}`,
    `/api/v1/ivr/vip?to%6Ben=${KEY}&a=1`,
    `/api/v1/ivr/vip?%2574oken=${KEY}`,
    `/api/v1/ivr/vip?%252574oken=${KEY}`,
    `/api/v1/hooks/h?a=1&token=x&token=${KEY}`,
    `/api/v1/hooks/h?token=${KEY}&token=${KEY}&b=2`,
    `/api/v1/hooks/h?api_key=${KEY}`,
    `/api/v1/hooks/h?x-api-key=${KEY}`,
    `/api/v1/hooks/h?token%00=${KEY}`,
    `/api/v1/hooks/h?tok+en=1&token=${KEY}`,
    // A webhook flow's own secret, under whatever name its trigger chose.
    `/api/v1/hooks/rcrm?clientId=${KEY}`,
    `/api/v1/hooks/rcrm?crmId=${KEY}&phone=1`,
    `/api/v1/hooks/rcrm?${KEY}`,
    `/API/V1/Hooks/rcrm?crmId=${KEY}`,
    `/api/v1/hooks/rcrm/?crmId=${KEY}`,
    `//api//v1/hooks/rcrm?crmId=${KEY}`,
    `/api/v1/%68ooks/rcrm?crmId=${KEY}`,
    `/api/v1/events?anything=${KEY}`,
    // Elsewhere, a secret-looking name however often it was encoded.
    `/api/v1/executions?%25252574oken=${KEY}`,
    `/api/v1/executions?SESSION=${KEY}`,
  ])('masks the secret: %s', (url) => {
    const out = urlForLog(url);
    expect(out).not.toContain(KEY);
    expect(out).toContain('[redacted]');
  });

  it('keeps the names on trigger routes and masks every value', () => {
    const masked = '/api/v1/hooks/h?phone=[redacted]&crmId=[redacted]&[redacted]';
    expect(urlForLog(`/api/v1/hooks/h?phone=%2B39&crmId=${KEY}&q`)).toBe(masked);
    expect(urlForLog(`/api/v1/hooks/h?%252574oken=${KEY}`)).toBe('/api/v1/hooks/h?%252574oken=[redacted]');
    expect(urlForLog('/api/v1/ivr/h?')).toBe('/api/v1/ivr/h?');
    expect(urlForLog('/api/v1/hooks/h')).toBe('/api/v1/hooks/h');
  });

  it('keeps everything else as it was outside the trigger routes', () => {
    const list = '/api/v1/executions?flowId=abc&status=failed';
    expect(urlForLog(list)).toBe(list);
    expect(urlForLog('/api/v1/health')).toBe('/api/v1/health');
    expect(urlForLog(`/api/v1/flows?phone=1&token=${KEY}&q=2`)).toBe('/api/v1/flows?phone=1&token=[redacted]&q=2');
    expect(urlForLog('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
    expect(urlForLog('/api/v1/hookshot?a=1')).toBe('/api/v1/hookshot?a=1');
  });

  it('decodes a name until it no longer changes, never throwing', () => {
    expect(decodeFully('%25252574oken')).toBe('token');
    expect(decodeFully('%E0%A4%A')).toBe('\u00e0\u00a4%A');
    expect(isTriggerUrl('/api/v1/IVR/x?a=1')).toBe(true);
    expect(isTriggerUrl('/api/v1/flows?next=/api/v1/hooks/x')).toBe(false);
  });
});
