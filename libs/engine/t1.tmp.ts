import fc from 'fast-check';
import { compileTemplate } from './src/template';
function literalTemplate(text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(/(\{?)(\\*)\{\{/g, (_m, brace: string, slashes: string) =>
    slashes ? `${brace ? "{{concat '{'}}" : ''}${"{{concat '\\'}}".repeat(slashes.length)}\\{{` : `${brace}\\{{`);
}
let bad = 0;
fc.assert(fc.property(fc.array(fc.constantFrom('{', '}', '\\', 'a', "'", '"', '~', '!', ' ', '#', '/', '>', '&', '^', '=', '[', ']', '.', 'x y', '{{', '}}', '\\{{', '{{{', '}}}', 'else', '-', '*', '@', '(', ')', '|'), { maxLength: 14 }).map((a) => a.join('')), (s) => {
  let out: string;
  try { out = compileTemplate(literalTemplate(s), 'text').render({ x: 'X', a: 'A' }); } catch (e) { out = 'ERR ' + (e as Error).message; }
  if (out !== s) { if (bad++ < 10) console.log(JSON.stringify(s), JSON.stringify(literalTemplate(s)), JSON.stringify(out)); return false; }
  return true;
}), { numRuns: 200000 });
console.log('ok');
