import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ContractFake, LoopbackServer, queryOf, type Check } from './contract';

type Ordered = Record<string, unknown>[];
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** The element names of an ordered node list, in order (text and the XML declaration left out). */
const names = (list: Ordered) =>
  list.map((n) => Object.keys(n).find((k) => k !== ':@')!).filter((k) => k !== '#text' && k !== '?xml');
const child = (list: Ordered, name: string): Ordered =>
  (list.find((n) => name in n)?.[name] as Ordered | undefined) ?? [];
const attrs = (list: Ordered, name: string): Record<string, string> =>
  (list.find((n) => name in n)?.[':@'] as Record<string, string> | undefined) ?? {};
const text = (list: Ordered, name: string): string =>
  String((child(list, name)[0] as { '#text'?: unknown } | undefined)?.['#text'] ?? '');

/** A campaign result as the remote understood it. */
export interface CampaignResult {
  campaign: { id: string; name: string };
  contact: { id: string; phone: string; firstName: string; lastName: string; email: string };
  call: { id: string; status: string; disposition: string; startedAt: string; endedAt: string; durationSec: number };
  event: { id: string; at: string };
}

/**
 * The remote application of an ICTBroadcast campaign integration (seed 001): `POST
 * /campaign-results?campaign_id=&contact_id=` with an XML document ("Richiesta dati … XML") built
 * from campaign, contact and call tokens, the headers the admin typed one per line, and the
 * remote's own auth (a bearer token here). The document must be well-formed XML with exactly
 * <campaignResult><campaign/><contact><phone/><firstName/><lastName/><email/></contact>
 * <call><status/><disposition/><startedAt/><endedAt/><durationSec/></call><event/></campaignResult>
 * in that order. `failNext` answers 503 that many times first (the flow retries).
 */
export class IctCampaignRemoteFake extends ContractFake {
  readonly results: CampaignResult[] = [];
  failNext = 0;

  static async start(bearer: string): Promise<IctCampaignRemoteFake> {
    const f = new IctCampaignRemoteFake(await LoopbackServer.start());
    f.route('POST /campaign-results', (req, c) => {
      if (f.failNext > 0) {
        f.failNext--;
        return { body: null, status: 503, answer: { error: 'busy, try again' } };
      }
      const q = queryOf(req);
      c.headers(req, {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/xml; charset=utf-8',
        'x-integration': 'ICTBroadcast',
        'x-campaign-id': q.campaign_id ?? '',
      });
      c.rawQuery(
        req,
        `campaign_id=${encodeURIComponent(q.campaign_id ?? '')}&contact_id=${encodeURIComponent(q.contact_id ?? '')}`,
      );
      const result = f.read(req.body, c);
      if (result) {
        c.equal(q.campaign_id, result.campaign.id, 'campaign_id = <campaign id>');
        c.equal(q.contact_id, result.contact.id, 'contact_id = <contact id>');
        if (c.ok) f.results.push(result);
      }
      return { body: result, answer: { received: true } };
    });
    return f;
  }

  private read(xml: string, c: Check): CampaignResult | undefined {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) return void c.that(false, `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    c.that(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), 'the XML declaration (UTF-8) must come first');
    const doc = parser.parse(xml) as Ordered;
    c.equal(names(doc).join(','), 'campaignResult', 'root element');
    const root = child(doc, 'campaignResult');
    c.equal(names(root).join(','), 'campaign,contact,call,event', 'campaignResult children (in order)');
    const contact = child(root, 'contact');
    c.equal(names(contact).join(','), 'phone,firstName,lastName,email', 'contact children (in order)');
    const call = child(root, 'call');
    c.equal(names(call).join(','), 'status,disposition,startedAt,endedAt,durationSec', 'call children (in order)');
    const duration = text(call, 'durationSec');
    c.that(/^\d+$/.test(duration), `durationSec must be whole seconds, got ${JSON.stringify(duration)}`);
    const campaign = { id: attrs(root, 'campaign').id ?? '', name: text(root, 'campaign') };
    for (const [k, v] of Object.entries({
      'campaign id': campaign.id,
      'contact id': attrs(root, 'contact').id,
      'call id': attrs(root, 'call').id,
      phone: text(contact, 'phone'),
    }))
      c.that(!!v, `${k} missing`);
    if (!c.ok) return undefined;
    return {
      campaign,
      contact: {
        id: attrs(root, 'contact').id!,
        phone: text(contact, 'phone'),
        firstName: text(contact, 'firstName'),
        lastName: text(contact, 'lastName'),
        email: text(contact, 'email'),
      },
      call: {
        id: attrs(root, 'call').id!,
        status: text(call, 'status'),
        disposition: text(call, 'disposition'),
        startedAt: text(call, 'startedAt'),
        endedAt: text(call, 'endedAt'),
        durationSec: Number(duration),
      },
      event: { id: attrs(root, 'event').id ?? '', at: attrs(root, 'event').at ?? '' },
    };
  }
}
