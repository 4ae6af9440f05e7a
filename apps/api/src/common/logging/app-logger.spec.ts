import { redactTokenInUrl } from './app-logger';

describe('redactTokenInUrl', () => {
  const KEY = 'cfk_Sup3rS3cretKeyValue';
  it.each([
    `/api/v1/ivr/vip?token=${KEY}`,
    `/api/v1/ivr/vip?TOKEN=${KEY}`,
    `/api/v1/ivr/vip?%74oken=${KEY}`,
    `/api/v1/ivr/vip?to%6Ben=${KEY}&a=1`,
    `/api/v1/ivr/vip?%2574oken=${KEY}`,
    `/api/v1/hooks/h?a=1&token=x&token=${KEY}`,
    `/api/v1/hooks/h?token=${KEY}&token=${KEY}&b=2`,
    `/api/v1/hooks/h?api_key=${KEY}`,
    `/api/v1/hooks/h?x-api-key=${KEY}`,
    `/api/v1/hooks/h?token%00=${KEY}`,
    `/api/v1/hooks/h?tok+en=1&token=${KEY}`,
  ])('masks every spelling: %s', (url) => {
    const out = redactTokenInUrl(url);
    expect(out).not.toContain(KEY);
    expect(out).toContain('[redacted]');
  });

  it('keeps everything else as it was', () => {
    expect(redactTokenInUrl('/api/v1/hooks/h?phone=%2B39&q=a%20b')).toBe('/api/v1/hooks/h?phone=%2B39&q=a%20b');
    expect(redactTokenInUrl('/api/v1/health')).toBe('/api/v1/health');
    expect(redactTokenInUrl(`/api/v1/hooks/h?phone=1&token=${KEY}&q=2`)).toBe('/api/v1/hooks/h?phone=1&token=[redacted]&q=2');
    expect(redactTokenInUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });
});
