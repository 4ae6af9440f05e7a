import { webhookQuery } from './webhook-auth.service';

describe('webhookQuery: the query as the caller wrote it', () => {
  it('keeps an unencoded + (RetailCRM: phone=+79121234567); %2B is a plus, %20 and nothing else a space', () => {
    const q = webhookQuery('/api/v1/hooks/x?clientId=abc&code=100&phone=+79121234567&userId=1&a=%2B7&b=a%20b&c=a+b');
    expect({ ...q }).toEqual({
      clientId: 'abc',
      code: '100',
      phone: '+79121234567',
      userId: '1',
      a: '+7',
      b: 'a b',
      c: 'a+b',
    });
  });

  it('parses like Express: lenient UTF-8 (bad sequence → U+FFFD, lone % kept), repeated names, valueless names', () => {
    const q = webhookQuery('/h?name=%D0%98%D0%B2%D0%B0%D0%BD&bad=%E0%A4%A&bad2=100%&r=1&r=2&r=3&flag&=v&&');
    expect({ ...q }).toEqual({ name: 'Иван', bad: '\uFFFD%A', bad2: '100%', r: ['1', '2', '3'], flag: '', '': 'v' });
  });

  it('has no query without a ?, and treats __proto__ as a name', () => {
    expect({ ...webhookQuery('/h') }).toEqual({});
    const q = webhookQuery('/h?__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(q)).toBeNull();
    expect(q.__proto__).toBe('x');
    expect(q.constructor).toBe('y');
  });

  it('reads at most 1000 parameters', () => {
    const many = Array.from({ length: 1500 }, (_, i) => `p${i}=${i}`).join('&');
    expect(Object.keys(webhookQuery(`/h?${many}`))).toHaveLength(1000);
  });
});
