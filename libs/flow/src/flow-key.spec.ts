import { FLOW_KEY_PATTERN, flowKeyFromName } from './flow-key';

describe('flowKeyFromName', () => {
  it.each([
    ['Звонки', 'zvonki'],
    ['Входящие звонки — VIP', 'vkhodyashchie-zvonki-vip'],
    ['Щука и ёж', 'shchuka-i-ezh'],
    ['Дзвінки: Їжак', 'dzvinki-yizhak'],
    ['Perché più città', 'perche-piu-citta'],
    ['Café VIP!', 'cafe-vip'],
    ['Straße', 'strasse'],
    ['  --VIP routing--  ', 'vip-routing'],
    ['日本', 'flow'],
    ['', 'flow'],
  ])('%j → %j', (name, key) => {
    expect(flowKeyFromName(name)).toBe(key);
    expect(FLOW_KEY_PATTERN.test(key)).toBe(true);
  });

  it('reads a decomposed "й" like a composed one, and stays within 64 characters', () => {
    expect(flowKeyFromName('Мой'.normalize('NFD'))).toBe('moy');
    const key = flowKeyFromName('Щ'.repeat(40));
    expect(key.length).toBeLessThanOrEqual(64);
    expect(FLOW_KEY_PATTERN.test(key)).toBe(true);
  });
});
